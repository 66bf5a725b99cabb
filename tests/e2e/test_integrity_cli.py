"""A damaged snapshot: every reading command says which file and how to fix it; restore goes back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import MINI, run_cli

# Every command that reads the snapshot (cypher after its database was built from the good one).
READERS = [
    ("info",),
    ("facts", "NVDA"),
    ("paths", "SK hynix", "NVIDIA"),
    ("shock", "scenarios/memory-squeeze.yaml", "--draws", "0"),
    ("report", "scenarios/memory-squeeze.yaml", "--out", "{tmp}/report.html"),
    ("view", "--out", "{tmp}/view.html"),
    ("cypher", "MATCH (c:Company) RETURN count(c) AS n"),
    ("neo4j", "load", "--uri", "bolt://127.0.0.1:9"),
    ("verify",),
]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home whose snapshot was built twice: the mini data, then the bundled data."""
    home = tmp_path_factory.mktemp("integrity-home")
    run_cli("build", "--data", str(MINI), home=home, check=True)
    run_cli("build", home=home, check=True)
    run_cli("cypher", "MATCH (c:Company) RETURN count(c) AS n", home=home, check=True)
    return home


def test_damaged_file_fails_every_reader_then_restore_recovers(home: Path, tmp_path: Path) -> None:
    current = (home / "graph").resolve()
    kept = json.loads(run_cli("restore", "--list", "--json", home=home, check=True).stdout)["versions"]
    assert [v["current"] for v in kept] == [True, False] and all(v["intact"] for v in kept)
    previous = kept[1]["id"]
    edges = current / "edges.parquet"
    with open(edges, "r+b") as fh:
        fh.truncate(edges.stat().st_size // 3)
    for args in READERS:
        argv = [a.format(tmp=tmp_path) for a in args]
        proc = run_cli(*argv, home=home)
        assert proc.returncode != 0, (argv, proc.stdout)
        assert "Traceback" not in proc.stderr, argv
        last = proc.stderr.strip().splitlines()[-1]
        assert "edges.parquet is damaged" in last, (argv, proc.stderr)
        assert "chainshock build" in last and f"chainshock restore` to go back to version {previous}" in last
    restored = run_cli("restore", home=home)
    assert restored.returncode == 0, restored.stderr
    assert previous in restored.stderr
    assert (home / "graph").resolve().name == previous
    info = json.loads(run_cli("info", "--json", home=home, check=True).stdout)
    assert info["snapshot"]["content_hash"] == previous
    verify = json.loads(run_cli("verify", "--json", home=home, check=True).stdout)
    assert verify["ok"] and {f["file"] for f in verify["files"] if f["ok"]} == {
        "nodes.parquet", "edges.parquet", "evidence.parquet", "facts.parquet", "sources.parquet"}
    listed = {v["id"]: v for v in verify["versions"]}
    assert listed[current.name]["intact"] is False and listed[previous]["current"] is True


def test_verify_catches_what_sizes_cannot(home: Path) -> None:
    run_cli("build", home=home, check=True)  # a fresh, intact current version
    facts = (home / "graph").resolve() / "facts.parquet"
    data = bytearray(facts.read_bytes())
    data[len(data) // 2] ^= 0xFF
    facts.write_bytes(bytes(data))
    proc = run_cli("verify", home=home)
    assert proc.returncode != 0
    assert "facts.parquet is damaged: its content differs from the manifest's sha256" in proc.stderr
    assert "DAMAGED" in proc.stdout
