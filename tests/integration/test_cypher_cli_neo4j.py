"""``chainshock neo4j load`` and ``chainshock cypher --engine neo4j`` on a real server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from minigraph import write_mini_snapshot

from chainshock.engines.neo4j_store import Neo4jSettings

pytestmark = pytest.mark.neo4j


def run(home: Path, settings: Neo4jSettings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CHAINSHOCK_HOME": str(home), "NEO4J_URI": settings.uri,
           "NEO4J_USER": settings.user, "NEO4J_PASSWORD": settings.password, "COLUMNS": "200"}
    exe = Path(sys.executable).parent / "chainshock"
    return subprocess.run([str(exe), *args], capture_output=True, text=True, env=env, timeout=600, check=False)


def test_load_twice_then_query_both_engines(tmp_path: Path, neo4j_settings: Neo4jSettings):
    write_mini_snapshot(tmp_path / "graph")
    first = run(tmp_path, neo4j_settings, "neo4j", "load", "--json")
    assert first.returncode == 0, first.stderr
    second = run(tmp_path, neo4j_settings, "neo4j", "load", "--json")
    a, b = json.loads(first.stdout), json.loads(second.stdout)
    assert a["counts"] == b["counts"] and a["counts"]["Company"] == 16 and a["counts"]["SUPPLIES"] == 18
    assert b["removed"] == {}
    table = run(tmp_path, neo4j_settings, "neo4j", "load")
    assert "rels/s" in table.stdout and "SUPPLIES" in table.stdout

    args = ("cypher", "--name", "suppliers_within_hops", "--param", "company=company:hon-hai", "--json")
    neo = run(tmp_path, neo4j_settings, *args, "--engine", "neo4j")
    emb = run(tmp_path, neo4j_settings, *args)
    assert neo.returncode == 0, neo.stderr
    neo_doc, emb_doc = json.loads(neo.stdout), json.loads(emb.stdout)
    assert neo_doc["engine"] == "neo4j" and emb_doc["engine"] == "embedded"
    key = lambda r: json.dumps(r, sort_keys=True)  # noqa: E731
    assert sorted(map(key, neo_doc["rows"])) == sorted(map(key, emb_doc["rows"]))

    refused = run(tmp_path, neo4j_settings, "cypher", "--engine", "neo4j", "MATCH (n) DETACH DELETE n")
    assert refused.returncode != 0 and "read-only" in refused.stderr
    count = run(tmp_path, neo4j_settings, "cypher", "--engine", "neo4j", "MATCH (c:Company) RETURN count(c) AS n", "--json")
    assert json.loads(count.stdout)["rows"] == [{"n": 16}]
    for proc in (first, second, table, neo, refused):
        assert neo4j_settings.password not in proc.stdout + proc.stderr
