"""``chainshock cypher`` and ``chainshock neo4j load`` driven as a user would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from minigraph import mini_records, write_mini_snapshot
from neo4j_support import chainshock_cli

from chainshock.engines.neo4j_server import free_port
from chainshock.graph.schema import Company, GraphRecords
from chainshock.graph.snapshot import records_to_tables, write_snapshot


@pytest.fixture()
def home(tmp_path: Path) -> Path:
    write_mini_snapshot(tmp_path / "graph")
    return tmp_path


def test_list_names_every_query_with_its_question(home: Path):
    proc = chainshock_cli("cypher", "--list", "--json", home=home)
    assert proc.returncode == 0, proc.stderr
    queries = json.loads(proc.stdout)["queries"]
    assert len(queries) >= 15
    assert all(q["question"].endswith("?") for q in queries)
    names = {q["name"] for q in queries}
    assert {"suppliers_of", "suppliers_within_hops", "single_points_of_failure", "memory_cost_exposure",
            "expiring_contracts", "hyperscaler_power", "supply_paths", "capex_by_hyperscaler",
            "largest_backlogs", "index_exposure", "edge_evidence"} <= names
    table = chainshock_cli("cypher", "--list", home=home)
    assert "suppliers_of" in table.stdout and "Who supplies" in table.stdout


def test_named_query_json_is_one_document(home: Path):
    proc = chainshock_cli("cypher", "--name", "suppliers_of", "--param", "company=company:nvidia", "--json", home=home)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)  # the whole of stdout is one JSON document
    assert doc["query"] == "suppliers_of" and doc["engine"] == "embedded"
    assert doc["params"] == {"company": "company:nvidia"}
    suppliers = {r["supplier"] for r in doc["rows"]}
    assert suppliers == {"company:sk-hynix", "company:micron", "company:samsung", "company:tsmc"}
    assert all(r["source_id"] and r["quote"] for r in doc["rows"])


def test_table_output_is_readable(home: Path):
    proc = chainshock_cli("cypher", "--name", "single_points_of_failure", "--param", "max_producers=1", home=home)
    assert proc.returncode == 0, proc.stderr
    assert "product:cowos" in proc.stdout and "8,100" in proc.stdout and "2 rows" in proc.stdout


def test_adhoc_query_file_and_params(home: Path, tmp_path: Path):
    proc = chainshock_cli(
        "cypher", "MATCH (c:Company) WHERE c.id = $id RETURN c.name AS name", "--param", "id=company:tsmc", "--json", home=home
    )
    assert json.loads(proc.stdout)["rows"] == [{"name": "TSMC"}]
    f = tmp_path / "q.cypher"
    f.write_text("// any comment\nMATCH (p:Product) WHERE p.category = $c RETURN p.id AS id\n")
    proc = chainshock_cli("cypher", "--file", str(f), "--param", "c=hbm", "--json", home=home)
    assert json.loads(proc.stdout)["rows"] == [{"id": "product:hbm"}]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("cypher", "CREATE (n:Company {id: 'company:x', name: 'X'}) RETURN n"), "read-only"),
        (("cypher", "MATCH (n:Company) RETRN n"), "offset: 18"),
        (("cypher", "--name", "no_such_query"), "no library query named"),
        (("cypher", "--name", "suppliers_of"), "needs --param company"),
        (("cypher", "--name", "expiring_contracts", "--param", "months=soon"), "expected an integer"),
        (("cypher", "--name", "suppliers_of", "--param", "company"), "name=value"),
        (("cypher", "--name", "suppliers_of", "--param", "who=x", "--param", "company=y"), "no parameter 'who'"),
        (("cypher", "MATCH (n) RETURN n", "--name", "suppliers_of"), "exactly one"),
        (("cypher", "RETURN 1", "--engine", "oracle"), "embedded or neo4j"),
    ],
)
def test_bad_input_is_one_clear_line(home: Path, args, needle):
    proc = chainshock_cli(*args, home=home)
    assert proc.returncode != 0
    assert proc.stdout == ""
    # progress lines (e.g. "building the embedded Cypher database") may come first
    errors = [line for line in proc.stderr.strip().splitlines() if not line.startswith("building ")]
    assert len(errors) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert errors[0].startswith("error:") and needle in errors[0]


def test_write_refused_leaves_graph_unchanged(home: Path):
    chainshock_cli("cypher", "MATCH (c:Company {id: 'company:nvidia'}) SET c.name = 'x' RETURN c", home=home)
    proc = chainshock_cli("cypher", "MATCH (c:Company {id: 'company:nvidia'}) RETURN c.name AS n", "--json", home=home)
    assert json.loads(proc.stdout)["rows"] == [{"n": "NVIDIA"}]


def test_no_snapshot_says_build_first(tmp_path: Path):
    proc = chainshock_cli("cypher", "RETURN 1", home=tmp_path)
    assert proc.returncode != 0 and "chainshock build" in proc.stderr


def test_embedded_database_follows_the_snapshot(home: Path):
    q = ("cypher", "MATCH (c:Company) RETURN count(c) AS n", "--json")
    first = chainshock_cli(*q, home=home)
    assert json.loads(first.stdout)["rows"] == [{"n": 16}]
    assert "building the embedded Cypher database" in first.stderr
    stamp = json.loads((home / "cypher" / "stamp.json").read_text())
    again = chainshock_cli(*q, home=home)
    assert "building" not in again.stderr  # same content hash: no rebuild

    records = mini_records()
    extra = Company(id="company:kioxia", name="Kioxia", roles=("memory_producer",))
    write_snapshot(records_to_tables(GraphRecords(nodes=[*records.nodes, extra], edges=records.edges,
                                                  facts=records.facts, sources=records.sources)), home / "graph")
    third = chainshock_cli(*q, home=home)
    assert json.loads(third.stdout)["rows"] == [{"n": 17}]
    assert json.loads((home / "cypher" / "stamp.json").read_text())["content_hash"] != stamp["content_hash"]


def test_unreachable_neo4j_says_how_to_start_one(home: Path, monkeypatch: pytest.MonkeyPatch):
    import os
    import subprocess
    import sys

    env = {**os.environ, "CHAINSHOCK_HOME": str(home), "NEO4J_URI": f"bolt://127.0.0.1:{free_port()}",
           "NEO4J_PASSWORD": "s3cret-never-shown"}
    exe = Path(sys.executable).parent / "chainshock"
    for args in (["cypher", "RETURN 1", "--engine", "neo4j"], ["neo4j", "load"]):
        proc = subprocess.run([str(exe), *args], capture_output=True, text=True, env=env, timeout=120, check=False)
        assert proc.returncode != 0
        assert "chainshock neo4j start" in proc.stderr and "docker compose up -d neo4j" in proc.stderr
        assert "s3cret-never-shown" not in proc.stdout + proc.stderr


def test_node_parameters_accept_tickers_and_names(home: Path):
    by_id = chainshock_cli("cypher", "--name", "suppliers_of", "--param", "company=company:nvidia", "--json", home=home)
    for given in ("NVIDIA", "nvda"):
        proc = chainshock_cli("cypher", "--name", "suppliers_of", "--param", f"company={given}", "--json", home=home)
        assert proc.returncode == 0, proc.stderr
        doc = json.loads(proc.stdout)
        assert doc["params"] == {"company": "company:nvidia"}
        assert doc["rows"] == json.loads(by_id.stdout)["rows"]
    proc = chainshock_cli("cypher", "--name", "suppliers_of", "--param", "company=Nvdia", home=home)
    assert proc.returncode == 2
    assert "no company matches 'Nvdia'; did you mean" in proc.stderr
    assert "Traceback" not in proc.stderr
