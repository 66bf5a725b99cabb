"""The Cypher library on both engines: same rows, read-only, parameters safe.

Every library query runs on the embedded engine and on a real Neo4j 5.26
(started for the session by ``chainshock neo4j start``) against the same
snapshot, and must return the same rows (order-normalised, numbers compared
to 9 significant digits).
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import pytest

from chainshock.engines import Engine, open_engine
from chainshock.engines.embedded import EmbeddedEngine
from chainshock.engines.library import LibraryQuery, load_library, split_pair
from chainshock.engines.neo4j_server import free_port
from chainshock.engines.neo4j_store import (
    Neo4jEngine,
    Neo4jSettings,
    connect,
    graph_counts,
    load_graph,
)
from chainshock.engines.property_graph import PropertyGraph, project
from chainshock.engines.result import normalise_rows
from chainshock.errors import BackendError
from chainshock.graph.snapshot import read_snapshot

pytestmark = pytest.mark.neo4j

LIBRARY = load_library()


def example_params(q: LibraryQuery) -> list[dict[str, str]]:
    out = []
    for example in q.examples:
        args = shlex.split(example)
        params = {}
        for i, a in enumerate(args):
            if a == "--param":
                k, v = split_pair(args[i + 1])
                params[k] = v
        out.append(params)
    return out


# Beyond each file's example: defaults, other hop counts and ends, empty answers.
EXTRA: dict[str, list[dict[str, str]]] = {
    "suppliers_within_hops": [
        {"company": "company:saas-developers", "max_hops": "6"},
        {"company": "company:microsoft", "max_hops": "1"},
        {"company": "company:nobody"},
    ],
    "supply_paths": [
        {"producer": "company:samsung", "segment": "company:smartphone-buyers"},
        {"producer": "company:micron", "segment": "company:saas-developers", "max_hops": "4"},
    ],
    "single_point_buyers": [{"max_producers": "1", "max_hops": "6"}, {"max_hops": "0"}],
    "single_points_of_failure": [{"max_producers": "1"}],
    "expiring_contracts": [
        {"months": "12", "as_of": "2025-10-01"},
        {"months": "240", "as_of": "2025-01-01"},
    ],
    "hyperscaler_power": [{"hyperscaler": "company:microsoft"}],
    "index_exposure": [{"index_id": "index:kospi"}],
    "memory_cost_exposure": [{"products": "product:dram,product:nand"}],
    "market_concentration": [{"min_producers": "3"}],
    "company_profile": [{"company": "company:samsung"}, {"company": "000660"}],
    "company_facts": [{"company": "company:vertiv"}],
    "country_exposure": [{"products": "product:hbm"}],
    "edge_evidence": [{"subject": "fact:microsoft:capex:2025:FY"}, {"subject": "contract:amazon-talen-susquehanna-2025"}],
    "investments": [{"company": "company:microsoft"}, {"company": "company:apple"}],
    "largest_backlogs": [{"limit": "1"}],
}
# The cases whose right answer on the mini graph is no rows, each with the reason; every
# other case must return rows, so two engines agreeing on nothing cannot pass.
EXPECTED_EMPTY: dict[tuple[str, tuple[tuple[str, str], ...]], str] = {
    ("investments", (("company", "company:apple"),)): "Apple invests in nobody in the mini graph",
    ("suppliers_within_hops", (("company", "company:nobody"),)): "no such company",
    (
        "supply_paths",
        (("max_hops", "4"), ("producer", "company:micron"), ("segment", "company:saas-developers")),
    ): "Micron reaches SaaS developers only in more than 4 hops",
    ("unsupported_edges", ()): "every mini-graph edge has evidence",
}


def case_key(name: str, params: dict[str, str]) -> tuple[str, tuple[tuple[str, str], ...]]:
    return name, tuple(sorted(params.items()))


def cases() -> list[tuple[str, dict[str, str]]]:
    out = []
    for name, q in LIBRARY.items():
        sets = example_params(q) + EXTRA.get(name, [])
        if all(not p.required for p in q.params):
            sets.append({})
        for params in sets:
            out.append((name, params))
    return out


@pytest.fixture(scope="module")
def mini_graph(mini_snapshot: Path) -> PropertyGraph:
    return project(read_snapshot(mini_snapshot))


@pytest.fixture(scope="module")
def embedded(mini_snapshot: Path, tmp_path_factory: pytest.TempPathFactory):
    engine = open_engine("embedded", snapshot_path=mini_snapshot, folder=tmp_path_factory.mktemp("cypher"))
    assert isinstance(engine, EmbeddedEngine)
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def neo4j(neo4j_settings: Neo4jSettings, mini_graph: PropertyGraph):
    driver = connect(neo4j_settings)
    try:
        load_graph(driver, mini_graph, database=neo4j_settings.database)
    finally:
        driver.close()
    engine = open_engine("neo4j", settings=neo4j_settings)
    assert isinstance(engine, Neo4jEngine)
    yield engine
    engine.close()


def both(embedded: EmbeddedEngine, neo4j: Neo4jEngine, q: LibraryQuery, params: dict[str, Any]):
    bound = q.bind(params)
    return embedded.run(q.text("embedded", bound), bound), neo4j.run(q.text("neo4j", bound), bound)


def test_both_engines_speak_the_engine_protocol(embedded, neo4j):
    for engine in (embedded, neo4j):
        assert isinstance(engine, Engine)
        result = engine.run("RETURN $x AS x", {"x": 3}, timeout=30)
        assert (result.columns, result.rows, result.engine) == (["x"], [[3]], engine.name)
    with pytest.raises(BackendError, match="unknown engine 'oracle': use embedded or neo4j"):
        open_engine("oracle")


def test_library_is_big_enough():
    assert len(LIBRARY) >= 15


@pytest.mark.parametrize(("name", "params"), cases(), ids=lambda v: v if isinstance(v, str) else ",".join(f"{k}={x}" for k, x in v.items()) or "defaults")
def test_same_rows_on_both_engines(embedded, neo4j, name, params):
    q = LIBRARY[name]
    key = case_key(name, params)
    if "as_of" in {p.name for p in q.params}:
        params = {"as_of": "2025-10-01", **params}  # "today" would make the answer drift
    emb, neo = both(embedded, neo4j, q, params)
    assert emb.columns == neo.columns
    assert normalise_rows(emb.rows) == normalise_rows(neo.rows)
    if key in EXPECTED_EMPTY:
        assert not emb.rows, f"{name} {params} should be empty ({EXPECTED_EMPTY[key]})"
    else:
        assert emb.rows, f"{name} {params} returned no rows on either engine"
    if q.hops:  # the hop ranges cut to max_hops change nothing in the answer
        bound = q.bind({"as_of": "2025-10-01", **params} if "as_of" in {p.name for p in q.params} else params)
        assert q.text("embedded", bound) != q.text("embedded") or bound[q.hops] >= 6
        for engine, tight in ((embedded, emb), (neo4j, neo)):
            loose = engine.run(q.text(engine.name), bound)
            assert normalise_rows(loose.rows) == normalise_rows(tight.rows)


def test_every_expected_empty_case_is_run():
    assert set(EXPECTED_EMPTY) <= {case_key(n, p) for n, p in cases()}


def _records(engine, name: str, **params: str) -> list[dict[str, Any]]:
    q = LIBRARY[name]
    bound = q.bind(params)
    return engine.run(q.text(engine.name, bound), bound).records()


@pytest.mark.parametrize("engine_name", ["embedded", "neo4j"])
def test_answers_are_right(embedded, neo4j, engine_name):
    engine = embedded if engine_name == "embedded" else neo4j
    spof = _records(engine, "single_points_of_failure", max_producers="1")
    assert {(r["product"], round(r["hhi"])) for r in spof} == {("product:cowos", 8100), ("product:gpu-accelerator", 6400)}

    concentration = {r["product"]: r for r in _records(engine, "market_concentration")}
    assert concentration["product:electricity"]["producers"] == 2
    assert concentration["product:electricity"]["hhi"] is None  # no share estimates: unknown, not 0
    assert concentration["product:hbm"]["hhi"] == pytest.approx(62**2 + 21**2 + 17**2)

    expiring = _records(engine, "expiring_contracts", months="12", as_of="2025-10-01")
    assert {r["contract"] for r in expiring} == {"contract:nvidia-skhynix-hbm-lta-2025"}
    assert {(r["party"], r["role"]) for r in expiring} == {("company:nvidia", "buyer"), ("company:sk-hynix", "seller")}
    assert {r["product"] for r in expiring} == {"product:hbm"}

    kospi = {r["company"]: r for r in _records(engine, "index_exposure", index_id="index:kospi")}
    assert kospi["company:samsung"]["weight"] == pytest.approx(0.22)
    assert kospi["company:samsung"]["memory_market_share"] == pytest.approx(0.17 + 0.337 + 0.32)
    assert kospi["company:sk-hynix"]["memory_products"] == 3

    hops = _records(engine, "suppliers_within_hops", company="company:hon-hai", max_hops="2")
    assert {r["supplier"] for r in hops} == {"company:nvidia", "company:sk-hynix", "company:micron", "company:samsung", "company:tsmc"}
    assert all(r["source_id"] for r in hops), "every edge on a path carries its evidence"
    two = [r for r in hops if r["supplier"] == "company:sk-hynix"]
    assert two[0]["path"] == ["company:sk-hynix", "company:nvidia", "company:hon-hai"]

    paths = _records(engine, "supply_paths", producer="company:sk-hynix", segment="company:saas-developers")
    assert [p["hops"] for p in paths] == [5, 5]
    assert paths[0]["route"].startswith("company:sk-hynix > company:nvidia > ")

    power = _records(engine, "hyperscaler_power")
    assert {(r["hyperscaler"], r["utility"], r["contract"]) for r in power} == {
        ("company:amazon", "company:talen", "contract:amazon-talen-susquehanna-2025"),
        ("company:microsoft", "company:constellation", "contract:microsoft-constellation-crane-2024"),
    }
    capex = _records(engine, "capex_by_hyperscaler")
    assert [(r["company"], r["fiscal_year"], r["capex_usd"]) for r in capex] == [
        ("company:amazon", 2024, 8.2999e10),
        ("company:microsoft", 2024, 4.4477e10),
        ("company:microsoft", 2025, 6.4551e10),
    ]
    assert all(r["source_ref"] for r in capex)
    backlog = _records(engine, "largest_backlogs")
    assert [(r["company"], r["backlog_usd"], r["period_end"]) for r in backlog] == [("company:vertiv", 8.5e9, "2025-06-30")]
    exposure = _records(engine, "memory_cost_exposure")
    nvidia = {(r["route"], r["supplier"]) for r in exposure if r["company"] == "company:nvidia"}
    assert ("supplies", "company:sk-hynix") in nvidia and ("supplies", "company:micron") in nvidia
    assert _records(engine, "unsupported_edges") == []


def test_load_is_idempotent(neo4j, neo4j_settings, mini_graph):
    driver = connect(neo4j_settings)
    try:
        before = graph_counts(driver, neo4j_settings.database)
        report = load_graph(driver, mini_graph, database=neo4j_settings.database)
        after = graph_counts(driver, neo4j_settings.database)
    finally:
        driver.close()
    assert before == after == {k: v for k, v in sorted(mini_graph.counts().items()) if v}
    assert report.removed == {}


WRITES = [
    "CREATE (n:Company {id: 'company:evil', name: 'Evil'}) RETURN n",
    "MATCH (c:Company {id: 'company:nvidia'}) SET c.name = 'pwned' RETURN c.name",
    "MATCH (c:Company {id: 'company:nvidia'}) DETACH DELETE c",
    "MERGE (c:Company {id: 'company:evil'}) RETURN c.id",
    "MATCH (a:Company {id: 'company:nvidia'}), (b:Company {id: 'company:apple'}) CREATE (a)-[:SUPPLIES {id: 'x'}]->(b)",
]


def _count_all(engine) -> list[Any]:
    return engine.run(
        "MATCH (c:Company) WITH count(c) AS n MATCH (c:Company {id: 'company:nvidia'}) "
        "RETURN n, c.name AS name, COUNT { MATCH (:Company)-[:SUPPLIES]->(:Company) } AS supplies"
    ).rows


@pytest.mark.parametrize("engine_name", ["embedded", "neo4j"])
@pytest.mark.parametrize("query", WRITES)
def test_writes_are_refused_and_change_nothing(embedded, neo4j, engine_name, query):
    engine = embedded if engine_name == "embedded" else neo4j
    before = _count_all(engine)
    with pytest.raises(BackendError, match="read-only"):
        engine.run(query)
    assert _count_all(engine) == before == [[16, "NVIDIA", 18]]


@pytest.mark.parametrize(
    "query",
    [
        "COPY (MATCH (n) RETURN n.id) TO '/tmp/chainshock-leak.csv'",
        "LOAD FROM '/etc/passwd' RETURN *",
        "MATCH (n) RETURN n.id; CREATE (:Company {id: 'x'})",
        "INSTALL httpfs",
        "   // only a comment",
    ],
)
def test_embedded_refuses_file_and_multi_statements(embedded, query):
    with pytest.raises(BackendError):
        embedded.run(query)
    assert not Path("/tmp/chainshock-leak.csv").exists()


HOSTILE = [
    "company:nvidia' OR 1=1 //",
    "x'}) MATCH (n) DETACH DELETE n //",
    "company:nvidia\") RETURN 1 UNION MATCH (n) RETURN n //",
    "\\' ; CREATE (:Company {id:'evil'}) //",
    "$company",
    "company:nvidia\n}) DETACH DELETE b //",
    "",
    "🚀' RETURN 1 //",
]


@pytest.mark.parametrize("engine_name", ["embedded", "neo4j"])
@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_parameter_values_are_only_data(embedded, neo4j, engine_name, value):
    engine = embedded if engine_name == "embedded" else neo4j
    before = _count_all(engine)
    for name, key in (("suppliers_of", "company"), ("edge_evidence", "subject"), ("company_profile", "company")):
        assert _records(engine, name, **{key: value}) == []
    q = LIBRARY["memory_cost_exposure"]
    assert engine.run(q.text(engine.name), q.bind({"products": [value, "product:hbm"]})).rows
    assert _count_all(engine) == before


@pytest.mark.parametrize("engine_name", ["embedded", "neo4j"])
def test_syntax_error_names_the_position(embedded, neo4j, engine_name):
    engine = embedded if engine_name == "embedded" else neo4j
    with pytest.raises(BackendError) as info:
        engine.run("MATCH (n:Company) RETRN n")
    text = str(info.value)
    assert "RETRN" in text
    assert ("offset: 18" in text) or ("column 19" in text)


def test_unreachable_neo4j_says_how_to_start_one():
    settings = Neo4jSettings(uri=f"bolt://127.0.0.1:{free_port()}", user="neo4j", password="not-used-here")
    with pytest.raises(BackendError) as info:
        Neo4jEngine(settings)
    text = str(info.value)
    assert "chainshock neo4j start" in text and "docker compose up -d neo4j" in text
    assert "not-used-here" not in text


def test_wrong_password_is_a_clear_error(neo4j_settings):
    bad = Neo4jSettings(uri=neo4j_settings.uri, user="neo4j", password="wrong-password-123")
    with pytest.raises(BackendError, match="wrong password") as info:
        Neo4jEngine(bad)
    assert "wrong-password-123" not in str(info.value)
    assert "wrong-password-123" not in repr(bad)


def test_a_changed_snapshot_replaces_the_old_one(neo4j, neo4j_settings, mini_graph):
    from minigraph import mini_records

    from chainshock.engines.property_graph import project_tables
    from chainshock.graph.schema import Edge, Evidence, GraphRecords
    from chainshock.graph.snapshot import records_to_tables

    records = mini_records()
    drop = "company:supermicro"
    nodes = [n for n in records.nodes if n.id != drop]
    edges = []
    for e in records.edges:
        if drop in (e.source, e.target):
            continue
        if e.id == "produces:company:micron->product:hbm":  # same id, evidence now cites another source
            e = Edge(id=e.id, type=e.type, source=e.source, target=e.target, properties=e.properties,
                     evidence=(Evidence(source_id="src:trendforce-2025-dram-share", quote="moved", as_of=e.evidence[0].as_of),))
        edges.append(e)
    changed = project_tables(records_to_tables(GraphRecords(nodes=nodes, edges=edges, facts=records.facts,
                                                            sources=records.sources)))
    driver = connect(neo4j_settings)
    try:
        report = load_graph(driver, changed)
        assert graph_counts(driver) == {k: v for k, v in sorted(changed.counts().items()) if v}
        # supermicro, its 3 edges (and their 3 evidence nodes and CITES), plus the moved CITES
        assert report.removed == {"Company": 1, "SUPPLIES": 2, "USES": 1, "Evidence": 3, "CITES": 4}
        moved = neo4j.run("MATCH (:Evidence {subject_id: $s})-[:CITES]->(src:Source) RETURN src.id AS id",
                          {"s": "produces:company:micron->product:hbm"}).rows
        assert moved == [["src:trendforce-2025-dram-share"]]
    finally:
        load_graph(driver, mini_graph)  # put the module's graph back
        assert graph_counts(driver) == {k: v for k, v in sorted(mini_graph.counts().items()) if v}
        driver.close()


def test_embedded_reuses_a_prepared_query_across_parameter_values_and_types(embedded):
    # The engine plans a text once per parameter types; a later call with new
    # values (or values of another type) must answer for those values.
    text = "RETURN $x AS x"
    assert embedded.run(text, {"x": 1}).rows == [[1]]
    assert embedded.run(text, {"x": 2}).rows == [[2]]
    assert embedded.run(text, {"x": "two"}).rows == [["two"]]
    q = LIBRARY["suppliers_of"]
    first = embedded.run(q.text("embedded"), q.bind({"company": "company:nvidia"})).rows
    other = embedded.run(q.text("embedded"), q.bind({"company": "company:microsoft"})).rows
    assert first and first != other
    assert embedded.run(q.text("embedded"), q.bind({"company": "company:nvidia"})).rows == first
