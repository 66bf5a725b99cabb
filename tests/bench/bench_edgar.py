"""Benchmark: building from all of the EDGAR fixtures, against edgartools in the same run.

Run with ``python tests/bench/bench_edgar.py`` (``make bench`` runs it).
Appends its records to ``build/bench.json`` (read-modify-write: records of
other benchmarks are kept, this one's are replaced) and prints them.

Cases
-----
- ``edgar_load_all``: ``load_filings`` over every file in
  ``$CHAINSHOCK_FILINGS`` (default ``../shared/filings``), the embedding
  model's load included. Target: < 30 s on 2 cores. Baseline: edgartools reading the same
  inputs without extracting anything (``parse_html`` of each HTML document,
  ``get_company_facts(cik).to_dataframe()`` of each companyfacts file from
  local storage).
- ``edgar_inline_xbrl``: our inline-XBRL reader over the HTML filings against
  edgartools' ``parse_html(...).xbrl_facts`` for the same documents.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchlib import write_records

REPO = Path(__file__).resolve().parents[2]
FILINGS = Path(os.environ.get("CHAINSHOCK_FILINGS", REPO.parent / "shared" / "filings"))
sys.path.insert(0, str(REPO / "tests"))


def _html_docs() -> list[Path]:
    return sorted((FILINGS / "edgar" / "filings").rglob("*.htm"))


def case_load_all() -> dict[str, Any]:
    from edgar_support import known_records

    from chainshock.graph.resolve import default_embedder
    from chainshock.loaders.edgar import load_filings

    # The model load is inside the timed region (the "model load included").
    cpu0, start = time.process_time(), time.perf_counter()
    embedder = default_embedder()  # None without the nlp extra: the rule layer alone
    if embedder is not None:
        embedder.encode(["warm up"])
    records = load_filings(FILINGS, known_records(), embedder=embedder)
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu0

    # edgartools writes bookkeeping files into its local-storage folder: give it
    # a private copy, never the read-only fixtures.
    scratch = Path(tempfile.mkdtemp(prefix="chainshock-edgarbench-scratch-"))
    shutil.copytree(FILINGS / "edgar" / "companyfacts", scratch / "companyfacts")
    os.environ["EDGAR_LOCAL_DATA_DIR"] = str(scratch)
    from edgar import set_identity, use_local_storage
    from edgar.documents import parse_html
    from edgar.entity import get_company_facts

    set_identity("chainshock bench bench@example.com")
    use_local_storage(True)
    start = time.perf_counter()
    for path in _html_docs():
        parse_html(path.read_text(encoding="utf-8", errors="replace"))
    for path in sorted((FILINGS / "edgar" / "companyfacts").glob("CIK*.json")):
        get_company_facts(int(path.stem[3:])).to_dataframe()
    baseline_seconds = time.perf_counter() - start
    shutil.rmtree(scratch, ignore_errors=True)
    return {
        "name": "edgar_load_all",
        "nodes": len(records.nodes),
        "edges": len(records.edges),
        "facts": len(records.facts),
        "sources": len(records.sources),
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu_seconds, 3),  # the machine is shared: CPU time says more than wall time
        "model": embedder is not None,
        "baseline": "edgartools parse_html of each HTML filing + get_company_facts().to_dataframe(), no extraction",
        "baseline_seconds": round(baseline_seconds, 3),
        "target": "< 30 s, model load included",
        "ok": seconds < 30,
    }


def case_inline() -> dict[str, Any]:
    from edgar.documents import parse_html

    from chainshock.loaders.edgar.ixbrl import parse_inline_xbrl

    docs = [p.read_bytes() for p in _html_docs()]
    start = time.perf_counter()
    ours = sum(len(parse_inline_xbrl(d).facts) for d in docs)
    seconds = time.perf_counter() - start
    start = time.perf_counter()
    for d in docs:
        parse_html(d.decode("utf-8", errors="replace")).xbrl_facts  # noqa: B018 (the parse is the cost)
    baseline_seconds = time.perf_counter() - start
    return {
        "name": "edgar_inline_xbrl",
        "nodes": 0,
        "edges": 0,
        "documents": len(docs),
        "metric_facts": ours,
        "seconds": round(seconds, 3),
        "baseline": "edgartools parse_html(...).xbrl_facts",
        "baseline_seconds": round(baseline_seconds, 3),
    }


def main() -> int:
    if not (FILINGS / "edgar").is_dir():
        print(f"skipped: no EDGAR fixtures at {FILINGS} (set CHAINSHOCK_FILINGS)")
        return 0
    records = [case_load_all(), case_inline()]
    write_records(records)
    for r in records:
        ratio = r["baseline_seconds"] / r["seconds"] if r["seconds"] else float("inf")
        print(f"{r['name']:<20} {r['seconds']:>8.2f} s   baseline {r['baseline_seconds']:>8.2f} s   x{ratio:.1f}")
    return 0 if records[0]["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
