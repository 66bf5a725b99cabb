import os
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from support import MINI

from chainshock.build import build
from chainshock.errors import SnapshotError
from chainshock.graph import snapshot as snapshot_mod
from chainshock.graph.snapshot import TABLES, read_snapshot


def table_bytes(path: Path) -> dict[str, bytes]:
    return {name: (path / f"{name}.parquet").read_bytes() for name in TABLES}


def test_round_trip(tmp_path):
    result = build(tmp_path / "graph", MINI)
    snap = read_snapshot(tmp_path / "graph")
    assert len(snap.nodes) == result.counts["nodes"] > 0
    assert set(snap.edges["type"]) >= {"PRODUCES", "USES", "SUPPLIES", "PARTY_TO", "COVERS", "CONSTITUENT_OF"}
    assert snap.manifest["tables"]["edges"]["rows"] == len(snap.edges)
    # missing values read back as None, not NaN
    assert snap.facts["concept"].iloc[0] is None


def test_builds_are_byte_identical(tmp_path):
    build(tmp_path / "one", MINI)
    build(tmp_path / "two", MINI)
    assert table_bytes(tmp_path / "one") == table_bytes(tmp_path / "two")


def test_rebuild_swaps_atomically_and_prunes(tmp_path):
    target = tmp_path / "graph"
    for _ in range(4):
        build(target, MINI)
    assert target.is_symlink()
    versions = [d for d in (tmp_path / ".graph.versions").iterdir()]
    assert len(versions) <= 2
    assert not any(d.name.startswith(".staging-") for d in versions)


def test_crash_mid_write_keeps_previous_snapshot(tmp_path, monkeypatch, mini_data):
    target = tmp_path / "graph"
    build(target, MINI)
    before = table_bytes(target)
    calls = {"n": 0}
    real_write = pq.write_table

    def crash_after_first(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full (simulated)")
        return real_write(*args, **kwargs)

    monkeypatch.setattr(snapshot_mod.pq, "write_table", crash_after_first)
    # a changed input so the new snapshot would differ
    (mini_data / "facts.yaml").write_text((mini_data / "facts.yaml").read_text().replace("3.236e9", "3.3e9"))
    with pytest.raises(OSError, match="disk full"):
        build(target, mini_data)
    assert table_bytes(target) == before
    assert read_snapshot(target).facts["value"].iloc[0] == pytest.approx(3.236e9)
    leftovers = [d for d in (tmp_path / ".graph.versions").iterdir() if d.name.startswith(".staging-")]
    assert leftovers == []


def test_missing_snapshot_says_how_to_fix(tmp_path):
    with pytest.raises(SnapshotError, match="run `chainshock build` first"):
        read_snapshot(tmp_path / "nothing")


def test_schema_version_mismatch(tmp_path):
    final = build(tmp_path / "graph", MINI).path
    manifest = final / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"schema_version": 1', '"schema_version": 99'))
    with pytest.raises(SnapshotError, match="schema version 99"):
        read_snapshot(tmp_path / "graph")


def test_refuses_to_overwrite_a_foreign_directory(tmp_path):
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "thesis.docx").write_text("precious")
    with pytest.raises(SnapshotError, match="not a chainshock snapshot"):
        build(foreign, MINI)
    assert (foreign / "thesis.docx").read_text() == "precious"
    assert os.path.isdir(foreign)
