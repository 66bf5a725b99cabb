import datetime as dt

import pytest
from pydantic import ValidationError

from chainshock.graph.schema import (
    Company,
    Contract,
    Edge,
    Estimate,
    Evidence,
    Fact,
    GraphRecords,
    Index,
    Product,
    Source,
    edge_id,
    tier_of,
    validate_graph,
)

EV = (Evidence(source_id="src:a", quote="q", as_of=dt.date(2025, 1, 1)),)


def est(base: float, low: float | None = None, high: float | None = None) -> dict:
    return {"low": base if low is None else low, "base": base, "high": base if high is None else high, "basis": "test"}


def records(edges=(), facts=(), nodes=()) -> GraphRecords:
    base_nodes = [
        Company(id="company:a", name="A", roles=("memory_producer",), evidence=EV),
        Company(id="company:b", name="B", roles=("chip_designer",), evidence=EV),
        Product(id="product:hbm", name="HBM", category="hbm", evidence=EV),
        Index(id="index:kospi", name="KOSPI", weighting="cap", evidence=EV),
    ]
    return GraphRecords(
        nodes=base_nodes + list(nodes),
        edges=list(edges),
        facts=list(facts),
        sources=[Source(id="src:a", kind="article", title="t", url="https://example.org/a")],
    )


def supplies(src, dst, share, evidence=EV) -> Edge:
    return Edge(id=edge_id("SUPPLIES", src, dst), type="SUPPLIES", source=src, target=dst,
                properties={"cost_share": est(share)}, evidence=evidence)


def messages(problems) -> str:
    return " | ".join(str(p) for p in problems)


def test_consistent_graph_has_no_problems():
    r = records([supplies("company:a", "company:b", 0.4)])
    assert validate_graph(r) == []


def test_edge_to_missing_node():
    r = records([supplies("company:a", "company:nope", 0.4)])
    assert "target 'company:nope' is not a node" in messages(validate_graph(r))


def test_cost_share_outside_unit_interval():
    r = records([supplies("company:a", "company:b", 1.5)])
    assert "cost_share must lie in [0, 1]" in messages(validate_graph(r))


def test_buyer_cost_shares_above_one():
    uses = Edge(id="uses:b", type="USES", source="company:b", target="product:hbm",
                properties={"cost_share": est(0.7)}, evidence=EV)
    r = records([supplies("company:a", "company:b", 0.4), uses])
    problems = validate_graph(r)
    assert any(p.subject == "company:b" and "add up to 1.100 > 1" in p.message for p in problems)


def test_contract_ending_before_it_starts_is_refused():
    with pytest.raises(ValidationError, match=r"ends .* before it starts"):
        Contract(id="contract:x", name="x", kind="lta", start=dt.date(2026, 1, 1), end=dt.date(2025, 1, 1))


def test_index_weights_above_100_percent():
    edges = [
        Edge(id=f"c:{c}", type="CONSTITUENT_OF", source=c, target="index:kospi",
             properties={"weight": est(0.6)}, evidence=EV)
        for c in ("company:a", "company:b")
    ]
    assert "weights add up to 120.0% > 100%" in messages(validate_graph(records(edges)))


def test_edge_without_evidence():
    r = records([supplies("company:a", "company:b", 0.4, evidence=())])
    assert "has no evidence" in messages(validate_graph(r))


def test_fact_without_evidence_and_unknown_source():
    fact = Fact(id="fact:a:capex:2025:FY", company="company:a", metric="capex", fiscal_year=2025,
                period_end=dt.date(2025, 12, 31), value=1e9, source_id="src:missing")
    text = messages(validate_graph(records(facts=[fact])))
    assert "names unknown source 'src:missing'" in text
    assert "has no evidence" in text


def test_wrong_endpoint_labels():
    bad = Edge(id="p", type="PRODUCES", source="company:a", target="company:b", evidence=EV)
    assert "PRODUCES cannot end at a Company" in messages(validate_graph(records([bad])))


def test_market_shares_above_100_percent():
    edges = [
        Edge(id=f"p:{c}", type="PRODUCES", source=c, target="product:hbm",
             properties={"market_share": est(0.6)}, evidence=EV)
        for c in ("company:a", "company:b")
    ]
    assert "market shares add up to 120.0%" in messages(validate_graph(records(edges)))


def test_estimate_must_be_ordered_and_explained():
    with pytest.raises(ValidationError):
        Estimate(low=0.5, base=0.4, high=0.6, basis="x y z")
    with pytest.raises(ValidationError):
        Estimate(low=0.1, base=0.2, high=0.3, basis="")


def test_source_needs_url_or_accession():
    with pytest.raises(ValidationError, match="url or an accession"):
        Source(id="s", kind="article", title="t")


def test_company_needs_a_role_and_cik_is_padded():
    with pytest.raises(ValidationError):
        Company(id="company:x", name="x", roles=())
    assert Company(id="company:x", name="x", roles=("utility",), cik="1045810").cik == "0001045810"


def test_ids_are_readable_and_lowercase():
    with pytest.raises(ValidationError):
        Company(id="Company:NVIDIA", name="x", roles=("chip_designer",))


def test_tiers():
    assert tier_of("Company", ["hyperscaler", "chip_designer"]) == "chips"
    assert tier_of("Company", ["consumer_segment"]) == "consumers"
    assert tier_of("Product", category="nand") == "memory"
