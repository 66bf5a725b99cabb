"""The bundled curated dataset: big enough, fully cited, consistent with the filings."""

import json
from collections import Counter

import pytest
from support import SHARED_FILINGS, run_cli

from chainshock.data import data_dir
from chainshock.graph.snapshot import read_snapshot
from chainshock.loaders.curated import load_curated

REQUIRED = {
    "hyperscaler": ["microsoft", "amazon", "alphabet", "meta", "oracle"],
    "neocloud": ["coreweave"],
    "chip_designer": ["nvidia", "amd", "broadcom"],
    "foundry": ["tsmc"],
    "memory_producer": ["sk-hynix", "samsung", "micron", "kioxia", "sandisk", "western-digital"],
    "server_maker": ["foxconn", "quanta-computer", "wistron", "dell", "super-micro"],
    "industrial": ["vertiv", "eaton", "schneider", "ge-vernova", "quanta-services", "caterpillar"],
    "utility": ["constellation", "talen", "vistra", "nextera", "dominion", "kairos"],
    "ai_lab": ["openai", "anthropic"],
    "device_maker": ["apple"],
}


@pytest.fixture(scope="module")
def snap(built_home):
    return read_snapshot(built_home / "graph")


def test_counts_meet_the_bar(snap):
    labels = Counter(snap.nodes["label"])
    assert labels["Company"] >= 50
    assert len(snap.edges) >= 150
    assert labels["Contract"] >= 10
    assert labels["Index"] >= 4


def test_info_json_reports_the_counts(built_home):
    doc = json.loads(run_cli("info", "--json", home=built_home, check=True).stdout)
    assert doc["nodes"]["Company"] >= 50
    assert sum(doc["edges"].values()) >= 150
    assert doc["nodes"]["Contract"] >= 10
    assert doc["sources"] >= 20


def test_the_chain_the_article_describes_is_there(snap):
    companies = snap.nodes[snap.nodes["label"] == "Company"]
    for role, names in REQUIRED.items():
        holders = companies[companies["roles"].apply(lambda rs, r=role: r in rs)]
        ids = " ".join(holders["id"])
        for name in names:
            assert name in ids, f"no {role} matching {name!r} (have: {ids})"
    segments = companies[companies["roles"].apply(lambda rs: "consumer_segment" in rs)]
    assert len(segments) >= 2
    assert {"hbm", "dram", "nand"} <= {i.split(":")[1] for i in snap.nodes[snap.nodes["label"] == "Product"]["id"]}
    indexes = set(snap.nodes[snap.nodes["label"] == "Index"]["id"])
    assert {"index:kospi", "index:taiex", "index:sp500", "index:sp500-equal-weight"} <= indexes


def test_every_edge_and_fact_is_cited(snap):
    cited = set(snap.evidence["subject_id"])
    assert not set(snap.edges["id"]) - cited
    assert not set(snap.facts["id"]) - cited
    # an XBRL value has no sentence to quote: its locator names the tag, the
    # accession and the value instead (issue 11: no made-up sentences)
    xbrl = snap.evidence["method"] == "xbrl"
    assert xbrl.any()
    assert snap.evidence.loc[~xbrl, "quote"].str.len().min() > 0
    assert snap.evidence.loc[xbrl, "locator"].str.contains("accn").all()
    assert snap.evidence["as_of"].notna().all()
    assert set(snap.evidence["source_id"]) <= set(snap.sources["id"])
    urls_or_accessions = snap.sources["url"].notna() | snap.sources["accession"].notna()
    assert urls_or_accessions.all()


def test_every_estimate_has_a_range_and_a_basis():
    records, _ = load_curated(data_dir())
    seen = 0
    for edge in records.edges:
        for key in ("cost_share", "market_share", "capex_share", "fixed_share", "weight", "revenue_share"):
            est = edge.estimate(key)
            if est is not None:
                seen += 1
                assert est.estimate and est.low <= est.base <= est.high and len(est.basis) > 10, (edge.id, key)
    assert seen >= 60


def test_memory_market_shares_are_plausible(snap):
    for product in ("product:hbm", "product:dram", "product:nand"):
        rows = snap.edges[(snap.edges["type"] == "PRODUCES") & (snap.edges["target"] == product)]
        total = sum(json.loads(p)["market_share"]["base"] for p in rows["properties"])
        assert 0.75 <= total <= 1.0, (product, total)


def test_hbm_leader_is_sk_hynix(snap):
    rows = snap.edges[(snap.edges["type"] == "PRODUCES") & (snap.edges["target"] == "product:hbm")]
    shares = {r.source: json.loads(r.properties)["market_share"]["base"] for r in rows.itertuples()}
    assert max(shares, key=shares.get) == "company:sk-hynix"


def _companyfacts_values(cik: str) -> dict[tuple[str, str], set[float]]:
    path = SHARED_FILINGS / "edgar" / "companyfacts" / f"CIK{cik}.json"
    if not path.exists():
        return {}
    doc = json.loads(path.read_text())
    out: dict[tuple[str, str], set[float]] = {}
    for concept, body in doc["facts"].get("us-gaap", {}).items():
        for unit, items in body["units"].items():
            if unit != "USD":
                continue
            for item in items:
                out.setdefault((concept, item["end"]), set()).add(float(item["val"]))
    return out


def test_curated_facts_agree_with_companyfacts(snap):
    """A curated fact about a company whose companyfacts JSON we hold must match it."""
    if not SHARED_FILINGS.exists():
        pytest.skip(f"filings fixtures not found at {SHARED_FILINGS}; set CHAINSHOCK_FILINGS")
    checked = 0
    for fact in snap.facts.to_dict("records"):
        node = snap.nodes[snap.nodes["id"] == fact["company"]].iloc[0]
        if not node["cik"] or fact["estimate"] or fact["metric"] not in ("capex", "revenue", "cost_of_revenue"):
            continue
        values = _companyfacts_values(node["cik"])
        if not values:
            continue
        same_end = {v for (concept, end), vs in values.items() if end == str(fact["period_end"]) for v in vs}
        assert fact["value"] in same_end, (fact["id"], fact["value"])
        checked += 1
    assert checked >= 1
