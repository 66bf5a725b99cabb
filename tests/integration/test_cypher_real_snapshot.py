"""The library on the real built snapshot (bundled curated data): same rows on both engines."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from chainshock.engines.embedded import EmbeddedEngine
from chainshock.engines.library import load_library, split_pair
from chainshock.engines.neo4j_store import Neo4jEngine, Neo4jSettings, connect, load_graph
from chainshock.engines.property_graph import project
from chainshock.engines.result import normalise_rows
from chainshock.graph.snapshot import read_snapshot

pytestmark = pytest.mark.neo4j

LIBRARY = load_library()


def param_sets(q) -> list[dict[str, str]]:
    out = []
    for example in q.examples:
        args = shlex.split(example)
        out.append(dict(split_pair(args[i + 1]) for i, a in enumerate(args) if a == "--param"))
    if all(not p.required for p in q.params):
        out.append({})
    for params in out:
        if "as_of" in {p.name for p in q.params}:
            params.setdefault("as_of", "2025-10-01")
    return out


@pytest.fixture(scope="module")
def engines(built_home: Path, neo4j_settings: Neo4jSettings, tmp_path_factory: pytest.TempPathFactory):
    snapshot = built_home / "graph"
    driver = connect(neo4j_settings)
    try:
        load_graph(driver, project(read_snapshot(snapshot)), database=neo4j_settings.database)
    finally:
        driver.close()
    emb = EmbeddedEngine.open(snapshot, tmp_path_factory.mktemp("real-cypher"))
    neo = Neo4jEngine(neo4j_settings)
    yield emb, neo
    emb.close()
    neo.close()


# Runs whose right answer on the bundled data is no rows, with the reason; every other run
# must return rows, so two engines agreeing on nothing cannot pass.
EXPECTED_EMPTY = {
    ("unsupported_edges", ()): "every bundled edge has evidence",
    (
        "suppliers_within_hops",
        (("company", "company:hon-hai"), ("max_hops", "2")),
    ): "company:hon-hai, the library example, is not in the bundled data (fix the example)",
}


def test_every_query_same_rows_on_the_real_snapshot(engines):
    emb, neo = engines
    runs = 0
    for name, q in LIBRARY.items():
        for params in param_sets(q):
            bound = q.bind(params)
            a = emb.run(q.text("embedded", bound), bound)
            b = neo.run(q.text("neo4j", bound), bound)
            assert a.columns == b.columns, name
            assert normalise_rows(a.rows) == normalise_rows(b.rows), (name, params)
            key = (name, tuple(sorted(params.items())))
            if key in EXPECTED_EMPTY:
                assert not a.rows, (name, params, EXPECTED_EMPTY[key])
            else:
                assert a.rows, f"{name} {params} returned no rows on either engine"
            runs += 1
    assert runs >= len(LIBRARY)
