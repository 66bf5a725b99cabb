"""Snapshot integrity: damaged files are named, versions are kept, restore goes back."""

import json
import os
from pathlib import Path

import pytest
from support import MINI

from chainshock.build import build
from chainshock.errors import SnapshotError
from chainshock.graph import integrity
from chainshock.graph.integrity import (
    MARKER,
    check_snapshot,
    list_versions,
    prune_versions,
    restore_snapshot,
    versions_dir,
)
from chainshock.graph.snapshot import TABLES, read_snapshot


def _changed(mini_data: Path, value: str) -> Path:
    facts = mini_data / "facts.yaml"
    facts.write_text(facts.read_text().replace("3.236e9", value))
    return mini_data


@pytest.fixture
def two_versions(tmp_path, mini_data):
    """A snapshot built twice from different inputs: (path, old version, new version)."""
    target = tmp_path / "graph"
    old = build(target, MINI).path
    new = build(target, _changed(mini_data, "3.3e9")).path
    assert old != new
    return target, old, new


def test_a_fresh_build_is_fully_checked_on_first_open(tmp_path):
    target = tmp_path / "graph"
    final = build(target, MINI).path
    (final / MARKER).unlink(missing_ok=True)
    read_snapshot(target)
    assert (final / MARKER).exists()
    manifest = json.loads((final / "manifest.json").read_text())
    for name in TABLES:
        assert manifest["tables"][name]["bytes"] == (final / f"{name}.parquet").stat().st_size > 0


def test_truncated_file_names_file_and_fix(two_versions):
    target, old, new = two_versions
    edges = new / "edges.parquet"
    size = edges.stat().st_size
    with open(edges, "r+b") as fh:
        fh.truncate(size // 2)
    with pytest.raises(SnapshotError) as info:
        read_snapshot(target)
    message = str(info.value)
    assert "edges.parquet" in message
    assert f"{size // 2:,} bytes, the manifest says {size:,}" in message
    assert "chainshock build" in message and f"chainshock restore` to go back to version {old.name}" in message
    assert "\n" not in message


def test_same_size_corruption_caught_by_full_check_not_by_sizes(two_versions):
    target, _, new = two_versions
    facts = new / "facts.parquet"
    data = bytearray(facts.read_bytes())
    data[len(data) // 2] ^= 0xFF
    facts.write_bytes(bytes(data))
    # sizes still match: the cheap check passes, the full one names the file
    check_snapshot(target, TABLES, full=False)
    with pytest.raises(SnapshotError, match=r"facts\.parquet is damaged: its content differs"):
        check_snapshot(target, TABLES, full=True)


def test_first_open_after_build_hashes(two_versions):
    target, _, new = two_versions
    assert not (new / MARKER).exists()  # built, never opened
    sources = new / "sources.parquet"
    data = bytearray(sources.read_bytes())
    data[100] ^= 0x01
    sources.write_bytes(bytes(data))
    with pytest.raises(SnapshotError, match=r"sources\.parquet is damaged"):
        read_snapshot(target)
    assert not (new / MARKER).exists()


def test_unreadable_parquet_with_a_matching_manifest_is_one_error(two_versions):
    target, _, new = two_versions
    nodes = new / "nodes.parquet"
    nodes.write_bytes(b"\0" * nodes.stat().st_size)
    # keep the manifest consistent with the garbage, so only parquet can tell
    manifest = json.loads((new / "manifest.json").read_text())
    manifest["tables"]["nodes"]["sha256"] = integrity.file_digest(nodes)
    (new / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(SnapshotError, match=r"nodes\.parquet is damaged: parquet cannot read it"):
        read_snapshot(target)


def test_missing_file_and_bad_manifest(two_versions):
    target, _, new = two_versions
    (new / "evidence.parquet").unlink()
    with pytest.raises(SnapshotError, match=r"evidence\.parquet is damaged: it is missing"):
        read_snapshot(target)
    (new / "manifest.json").write_text("{not json")
    with pytest.raises(SnapshotError, match=r"manifest\.json is damaged \(not valid JSON"):
        read_snapshot(target)


def test_restore_goes_back_and_refuses_damaged_versions(two_versions):
    target, old, new = two_versions
    with open(new / "edges.parquet", "r+b") as fh:
        fh.truncate(10)
    restored = restore_snapshot(target, TABLES)
    assert restored.id == old.name
    assert target.resolve() == old
    assert read_snapshot(target).facts["value"].iloc[0] == pytest.approx(3.236e9)
    # the damaged version is listed as such and cannot be restored
    kept = {v.id: v for v in list_versions(target, TABLES)}
    assert kept[new.name].intact is False and kept[old.name].current is True
    with pytest.raises(SnapshotError, match="damaged too"):
        restore_snapshot(target, TABLES, new.name[:6])
    with pytest.raises(SnapshotError, match="matches no kept version"):
        restore_snapshot(target, TABLES, "zzz")


def test_restore_with_nothing_earlier(tmp_path):
    target = tmp_path / "graph"
    build(target, MINI)
    with pytest.raises(SnapshotError, match="no intact earlier version"):
        restore_snapshot(target, TABLES)


def test_keeps_the_last_n_versions(tmp_path, mini_data, monkeypatch):
    monkeypatch.setenv("CHAINSHOCK_KEEP_VERSIONS", "3")
    target = tmp_path / "graph"
    built = []
    for i, value in enumerate(["3.1e9", "3.2e9", "3.3e9", "3.4e9", "3.5e9"]):
        facts = mini_data / "facts.yaml"
        text = facts.read_text()
        previous = "3.236e9" if i == 0 else ["3.1e9", "3.2e9", "3.3e9", "3.4e9"][i - 1]
        facts.write_text(text.replace(previous, value))
        built.append(build(target, mini_data).path)
        os.utime(built[-1], (1_000_000 + i, 1_000_000 + i))
    kept = sorted(d for d in versions_dir(target).iterdir() if not d.name.startswith("."))
    assert kept == sorted(built[-3:])
    assert target.resolve() == built[-1]


def test_prune_never_removes_the_current_version_and_clears_dead_staging(two_versions):
    target, old, _ = two_versions
    restore_snapshot(target, TABLES)  # current is now the older one
    os.utime(old, (1, 1))  # and it looks oldest
    dead = versions_dir(target) / ".staging-999999999-abc"
    dead.mkdir()
    live = versions_dir(target) / f".staging-{os.getpid()}-abc"
    live.mkdir()
    removed = prune_versions(target, keep=1)
    assert old.exists() and target.resolve() == old
    assert dead in removed and not dead.exists()
    assert live.exists()


def test_rebuild_of_identical_content_reuses_the_version(tmp_path):
    target = tmp_path / "graph"
    first = build(target, MINI).path
    inode = (first / "edges.parquet").stat().st_ino
    second = build(target, MINI).path
    assert first == second
    assert (second / "edges.parquet").stat().st_ino == inode  # readers of it never lose the file


def test_rebuild_replaces_a_damaged_identical_version(tmp_path):
    target = tmp_path / "graph"
    first = build(target, MINI).path
    with open(first / "edges.parquet", "r+b") as fh:
        fh.truncate(5)
    second = build(target, MINI).path
    assert second == first
    check_snapshot(target, TABLES, full=True)
