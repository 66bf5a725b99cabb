"""Bad input: one bad file is skipped with its reason, never stops the load."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from edgar_support import known_records

from chainshock.errors import FilingError
from chainshock.loaders.edgar import load_filings
from chainshock.loaders.edgar.load import find_layout


def _copy(filings: Path, dest: Path, *parts: str) -> Path:
    src = filings / "edgar" / Path(*parts)
    target = dest / "edgar" / Path(*parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, target)
    return target


def test_wrong_layout_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "random.txt").write_text("hello")
    with pytest.raises(FilingError, match="not an EDGAR layout"):
        load_filings(tmp_path, known_records(), embedder=None)
    with pytest.raises(FilingError, match="no such directory"):
        find_layout(tmp_path / "absent")


def test_bad_files_are_skipped_with_reasons(filings: Path, tmp_path: Path) -> None:
    edgar = tmp_path / "edgar"
    # a truncated companyfacts JSON
    good = (filings / "edgar/companyfacts/CIK0000320193.json").read_bytes()
    (edgar / "companyfacts").mkdir(parents=True)
    (edgar / "companyfacts/CIK0000320193.json").write_bytes(good[: len(good) // 3])
    # a valid JSON that is not companyfacts
    (edgar / "companyfacts/CIK0000000001.json").write_text('{"hello": 1}')
    # HTML without XBRL, under an unknown CIK
    doc = edgar / "filings/999999/0000999999-25-000001/x-20250101.htm"
    doc.parent.mkdir(parents=True)
    doc.write_text("<html><body><p>FORM 10-K</p><p>Item 1. Business</p><p>We sell widgets.</p></body></html>")
    # a document of a form we do not parse, and a stray file
    _copy(filings, tmp_path, "filings/753308/0001193125-25-338333/0001193125-25-338333.txt")
    (edgar / "notes.md").write_text("mine")
    # garbage bytes where a filing should be
    junk = edgar / "filings/320193/0000320193-24-000123/aapl-20240928.htm"
    junk.parent.mkdir(parents=True)
    junk.write_bytes(b"\x00\xff<ix:nonFraction" * 50)
    # and one good document so the load has something to do
    _copy(filings, tmp_path, "filings/1341439/0000950170-23-047713/orcl-20230831.htm")

    records = load_filings(tmp_path, known_records(), embedder=None)
    reasons = dict(records.skipped)
    assert "unreadable companyfacts JSON" in reasons[str(edgar / "companyfacts/CIK0000320193.json")]
    assert "unreadable companyfacts JSON" in reasons[str(edgar / "companyfacts/CIK0000000001.json")]
    assert "form 424B5 is not parsed" in reasons[str(edgar / "filings/753308/0001193125-25-338333/0001193125-25-338333.txt")]
    assert "not in the EDGAR layout" in reasons[str(edgar / "notes.md")]
    # the prospectus is still recorded as a source
    assert any(s.id == "edgar:0001193125-25-338333" and s.form == "424B5" for s in records.sources)
    # the good document still gave its facts
    assert any(f.id == "fact:oracle:remaining_performance_obligations:2024:Q1" for f in records.facts)
    # the unknown CIK became a company, marked by its CIK
    assert any(n.id.startswith("company:") and getattr(n, "cik", None) == "0000999999" for n in records.nodes)


def test_deterministic(filings: Path, tmp_path: Path) -> None:
    for parts in ("companyfacts/CIK0001045810.json", "submissions/CIK0000789019.json",
                  "filings/1341439/0000950170-23-047713/orcl-20230831.htm",
                  "filings/789019/0000950170-25-100235/msft-20250630.txt"):
        _copy(filings, tmp_path, parts)
    a = load_filings(tmp_path, known_records(), embedder=None)
    b = load_filings(tmp_path, known_records(), embedder=None)
    assert a.facts and a.edges
    assert a.model_dump_json() == b.model_dump_json()
    assert [f.id for f in a.facts] == sorted(f.id for f in a.facts)
    assert [e.id for e in a.edges] == sorted(e.id for e in a.edges)


def test_sources_are_filings_with_archive_urls(loaded) -> None:
    src = {s.id: s for s in loaded.sources}["edgar:0001045810-25-000023"]
    assert src.kind == "filing" and src.form == "10-K" and src.cik == "0001045810"
    assert src.url == "https://www.sec.gov/Archives/edgar/data/1045810/000104581025000023/nvda-20250126.htm"
    assert str(src.filed) == "2025-02-26"
    # every skipped file is listed exactly once
    assert len(loaded.skipped) == len(set(loaded.skipped))


def test_validates_with_known(loaded) -> None:
    from chainshock.graph.schema import GraphRecords, validate_graph

    merged = GraphRecords(nodes=[*known_records().nodes, *loaded.nodes], edges=loaded.edges,
                          facts=loaded.facts, sources=loaded.sources)
    assert [str(p) for p in validate_graph(merged)] == []


def test_progress_counts_each_stage_to_its_end(filings: Path, tmp_path: Path) -> None:
    for parts in ("submissions/CIK0000789019.json", "filings/789019/0001193125-25-256321/msft-20250930.txt"):
        _copy(filings, tmp_path, parts)
    calls: list[tuple[str, int, int]] = []
    load_filings(tmp_path, known_records(), embedder=None, progress=lambda stage, done, total: calls.append((stage, done, total)))
    stages: dict[str, list[tuple[int, int]]] = {}
    for stage, done, total in calls:
        stages.setdefault(stage, []).append((done, total))
    assert list(stages) == ["company data", "filings"]  # no embedder: no "relations by embeddings" stage
    # each stage counts its own items (1 submissions file, 1 filing) and its bar reaches the end
    assert stages["company data"][-1] == (1, 1)
    assert stages["filings"][-1] == (1, 1)
    for seq in stages.values():
        assert seq[-1][0] == seq[-1][1]
        assert [d for d, _ in seq] == sorted(d for d, _ in seq)
