"""``chainshock neo4j load --bulk`` against a real Neo4j 5.26 it stops and restarts.

A server of its own (its own CHAINSHOCK_HOME and port, started here with
``chainshock neo4j start``) gets the mini snapshot through the offline
importer; the session's server (``neo4j_settings``) gets it through the
MERGE loader. Both must hold the same graph: every node's labels and
properties, every relationship's type, ends and properties, and the same
rows for every library query. A MERGE load after the bulk load changes
nothing; ``--bulk`` refuses a non-empty database and a server that is not
the local one, without printing the password.
"""

from __future__ import annotations

import json
import shlex
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from neo4j_support import chainshock_cli, start_local_neo4j

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
from chainshock.engines.result import normalise_rows, to_plain
from chainshock.graph.snapshot import read_snapshot

pytestmark = pytest.mark.neo4j

LIBRARY = load_library()


@pytest.fixture(scope="module")
def bulk_home(tmp_path_factory: pytest.TempPathFactory, mini_snapshot: Path) -> Path:
    home = tmp_path_factory.mktemp("neo4j-bulk-home")
    shutil.copytree(mini_snapshot, home / "graph")
    return home


@pytest.fixture(scope="module")
def bulk_settings(bulk_home: Path) -> Iterator[Neo4jSettings]:
    """A local server of this module's own, loaded with ``neo4j load --bulk``."""
    settings = start_local_neo4j(bulk_home)
    try:
        proc = chainshock_cli("neo4j", "load", "--bulk", "--json", home=bulk_home)
        assert proc.returncode == 0, proc.stderr
        report = json.loads(proc.stdout)
        assert report["method"] == "bulk"
        assert report["counts"] == {k: v for k, v in report["sent"].items() if v}
        yield settings
    finally:
        chainshock_cli("neo4j", "stop", home=bulk_home)


@pytest.fixture(scope="module")
def merged_settings(neo4j_settings: Neo4jSettings, mini_snapshot: Path) -> Neo4jSettings:
    """The session's server, loaded with the MERGE loader (idempotent: safe to repeat)."""
    driver = connect(neo4j_settings)
    try:
        load_graph(driver, project(read_snapshot(mini_snapshot)), database=neo4j_settings.database)
    finally:
        driver.close()
    return neo4j_settings


@pytest.fixture(scope="module")
def mini_graph(mini_snapshot: Path) -> PropertyGraph:
    return project(read_snapshot(mini_snapshot))


def dump(settings: Neo4jSettings) -> tuple[list[Any], list[Any]]:
    """Every node (labels, properties) and relationship (type, ends, properties), sorted."""
    driver = connect(settings)
    try:
        with driver.session(database=settings.database) as s:
            nodes = s.execute_read(lambda tx: [
                (sorted(r["labels"]), json.dumps(to_plain(r["props"]), sort_keys=True, default=str))
                for r in tx.run("MATCH (n) RETURN labels(n) AS labels, properties(n) AS props")
            ])
            rels = s.execute_read(lambda tx: [
                (r["type"], r["a"], r["b"], json.dumps(to_plain(r["props"]), sort_keys=True, default=str))
                for r in tx.run("MATCH (a)-[r]->(b) RETURN type(r) AS type, a.id AS a, b.id AS b, "
                                "properties(r) AS props")
            ])
    finally:
        driver.close()
    return sorted(nodes), sorted(rels)


def schema(settings: Neo4jSettings) -> list[tuple[str, str, list[str], list[str]]]:
    driver = connect(settings)
    try:
        with driver.session(database=settings.database) as s:
            return sorted(s.execute_read(lambda tx: [
                (r["name"], r["type"], r["labelsOrTypes"], r["properties"])
                for r in tx.run("SHOW INDEXES YIELD name, type, labelsOrTypes, properties")
            ]))
    finally:
        driver.close()


def test_bulk_and_merge_build_the_same_graph(bulk_settings, merged_settings, mini_graph):
    bulk_nodes, bulk_rels = dump(bulk_settings)
    merge_nodes, merge_rels = dump(merged_settings)
    assert len(bulk_nodes) == sum(len(t.rows) for t in mini_graph.nodes.values())
    assert len(bulk_rels) == sum(len(t.rows) for t in mini_graph.rels)
    assert bulk_nodes == merge_nodes
    assert bulk_rels == merge_rels


def test_property_types_survive_the_csv(bulk_settings):
    """Dates stay dates, lists stay lists, numbers stay numbers, "" stays ""."""
    engine = Neo4jEngine(bulk_settings)
    try:
        rows = engine.run(
            "MATCH (c:Contract) WHERE c.end_date IS NOT NULL "
            "RETURN c.id AS id, c.end_date + duration({days: 1}) > c.end_date AS is_date, "
            "valueType(c.end_date) AS t ORDER BY id LIMIT 1"
        ).records()
        assert rows and rows[0]["is_date"] is True and rows[0]["t"].startswith("DATE")
        types = engine.run(
            "MATCH (c:Company {id: 'company:samsung'}) "
            "RETURN valueType(c.roles) AS roles, valueType(c.evidence_ids) AS ev, valueType(c.name) AS name"
        ).records()[0]
        assert types["roles"].startswith("LIST<STRING") and types["name"].startswith("STRING")
        share = engine.run(
            "MATCH (:Company)-[r:PRODUCES]->(:Product {id: 'product:hbm'}) "
            "RETURN valueType(r.market_share_base) AS t LIMIT 1"
        ).records()[0]["t"]
        assert share.startswith("FLOAT")
    finally:
        engine.close()


def test_same_constraints_and_indexes(bulk_settings, merged_settings):
    assert schema(bulk_settings) == schema(merged_settings)


def _example_params(q: LibraryQuery) -> list[dict[str, str]]:
    out = []
    for example in q.examples:
        args = shlex.split(example)
        out.append(dict(split_pair(args[i + 1]) for i, a in enumerate(args) if a == "--param"))
    if all(not p.required for p in q.params):
        out.append({})
    return out


CASES = [(name, params) for name, q in LIBRARY.items() for params in _example_params(q)]


@pytest.mark.parametrize(("name", "params"), CASES, ids=lambda v: v if isinstance(v, str) else ",".join(f"{k}={x}" for k, x in v.items()) or "defaults")
def test_library_queries_same_rows_after_bulk(bulk_settings, merged_settings, name, params):
    q = LIBRARY[name]
    if "as_of" in {p.name for p in q.params}:
        params = {"as_of": "2025-10-01", **params}
    bound = q.bind(params)
    with Neo4jEngine(bulk_settings) as bulk, Neo4jEngine(merged_settings) as merged:
        a, b = bulk.run(q.text("neo4j", bound), bound), merged.run(q.text("neo4j", bound), bound)
    assert a.columns == b.columns
    assert normalise_rows(a.rows) == normalise_rows(b.rows)


def test_merge_load_after_bulk_changes_nothing(bulk_settings, mini_graph):
    before = dump(bulk_settings)
    driver = connect(bulk_settings)
    try:
        counts_before = graph_counts(driver, bulk_settings.database)
        report = load_graph(driver, mini_graph, database=bulk_settings.database)
        counts_after = graph_counts(driver, bulk_settings.database)
    finally:
        driver.close()
    assert report.removed == {}
    assert counts_before == counts_after == {k: v for k, v in sorted(mini_graph.counts().items()) if v}
    assert dump(bulk_settings) == before


def test_bulk_refuses_a_database_with_data(bulk_settings, bulk_home):
    proc = chainshock_cli("neo4j", "load", "--bulk", home=bulk_home)
    assert proc.returncode != 0
    assert "already holds" in proc.stderr and "without --bulk" in proc.stderr
    assert "Traceback" not in proc.stderr
    password = (bulk_home / "neo4j" / "password").read_text().strip()
    assert password not in proc.stderr + proc.stdout


def test_bulk_refuses_a_server_it_does_not_manage(tmp_path, mini_snapshot):
    shutil.copytree(mini_snapshot, tmp_path / "graph")
    uri = f"bolt://127.0.0.1:{free_port()}"
    proc = chainshock_cli("neo4j", "load", "--bulk", "--uri", uri, "--password", "secret-not-shown-1",
                          home=tmp_path)
    assert proc.returncode != 0
    assert "--bulk only loads into the local Neo4j" in proc.stderr
    assert "without --bulk" in proc.stderr
    assert "secret-not-shown-1" not in proc.stderr + proc.stdout
