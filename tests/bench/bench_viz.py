"""Benchmark of the graph view: writing it, and drawing it in headless Chromium.

Run as a script (``make bench`` runs every ``tests/bench/bench_*.py``)::

    .venv/bin/python tests/bench/bench_viz.py [--quick]

Appends records ``{"name", "nodes", "edges", "seconds", "baseline",
"baseline_seconds"}`` to ``build/bench.json`` (read-modify-write) and prints
a table. Baselines are measured in the same run:

- writing: pyvis's own ``Network.write_html`` (``cdn_resources="in_line"``,
  default template) on the same nodes and edges, without tooltips;
- drawing: the same page with vis-network's force layout placing the nodes
  (pyvis's default: no positions, physics on, 1,000 stabilisation
  iterations) instead of the precomputed tier layout. ``--quick`` skips the
  5,000-node force-layout baseline, which takes minutes.

"Drawn" is the browser's own clock: milliseconds from navigation start to
vis-network's first ``afterDrawing`` (target for 5,000 nodes: under 3 s).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchlib import write_records

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests"))

from chromium_support import SKIP_MESSAGE, chromium_executable, launch, open_file  # noqa: E402
from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402
from pyvis.network import Network  # noqa: E402

from chainshock.graph.snapshot import Snapshot, records_to_tables  # noqa: E402
from chainshock.viz.synthetic import synthetic_records  # noqa: E402
from chainshock.viz.view import build_view  # noqa: E402
from chainshock.viz.view_html import write_view  # noqa: E402

DRAW_TIMEOUT_MS = 300_000
# The force-layout baseline at 5,000 nodes can take minutes on a busy machine:
# past this it is recorded as "> limit" instead of timed.
FORCE_LIMIT_MS = 120_000


def _snapshot(n: int) -> Snapshot:
    return Snapshot(path=Path("."), manifest={}, **records_to_tables(synthetic_records(n, seed=11)))


def _best_of(fn: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def _write_ours(snap: Snapshot, out: Path) -> None:
    write_view(build_view(snap), out)


def _write_pyvis(snap: Snapshot, out: Path) -> None:
    net = Network(directed=True, cdn_resources="in_line")
    for row in snap.nodes.itertuples(index=False):
        net.add_node(row.id, label=row.name)
    for row in snap.edges.itertuples(index=False):
        net.add_edge(row.source, row.target)
    net.write_html(str(out))


def _drawn_seconds(browser: Any, path: Path, repeat: int, limit_ms: float = DRAW_TIMEOUT_MS) -> float:
    """Median seconds from navigation start to the first drawing.

    Raises Playwright's ``TimeoutError`` when loading or drawing the page
    takes longer than ``limit_ms``.
    """
    times = []
    for _ in range(repeat):
        page, log = open_file(browser, path, timeout_ms=limit_ms)
        try:
            page.wait_for_function(
                "() => window.chainshock && window.chainshock.drawn === true", timeout=limit_ms
            )
        except Exception:
            page.close()
            raise
        times.append(page.evaluate("() => window.chainshock.firstDrawMs") / 1000.0)
        if log.page_errors:
            raise RuntimeError(f"{path.name}: page errors {log.page_errors}")
        page.close()
    return statistics.median(times)


def _record(name: str, snap: Snapshot, seconds: float, baseline: str, baseline_seconds: float | None) -> dict[str, Any]:
    return {
        "name": name,
        "nodes": len(snap.nodes),
        "edges": len(snap.edges),
        "seconds": round(seconds, 4),
        "baseline": baseline,
        "baseline_seconds": None if baseline_seconds is None else round(baseline_seconds, 4),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the minutes-long 5,000-node force-layout baseline")
    args = parser.parse_args(argv)
    records: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-viz-") as tmp:
        work = Path(tmp)
        snaps = {n: _snapshot(n) for n in (500, 5000)}
        for n, snap in snaps.items():
            ours = _best_of(lambda s=snap, n=n: _write_ours(s, work / f"view{n}.html"), 3)
            base = _best_of(lambda s=snap, n=n: _write_pyvis(s, work / f"pyvis{n}.html"), 3)
            records.append(_record(f"viz: write view ({n:,} nodes)", snap, ours, "pyvis write_html, no tooltips", base))
        if chromium_executable() is None:
            print(f"skipping the drawing benchmarks: {SKIP_MESSAGE}", file=sys.stderr)
        else:
            with launch() as browser:
                for n, snap in snaps.items():
                    drawn = _drawn_seconds(browser, work / f"view{n}.html", 3)
                    force: float | None = None
                    baseline = "force layout (pyvis default)"
                    if n <= 500 or not args.quick:
                        write_view(build_view(snap), work / f"force{n}.html", tier_layout=False)
                        try:
                            force = _drawn_seconds(browser, work / f"force{n}.html", 1, FORCE_LIMIT_MS)
                        except PlaywrightTimeout:
                            # A baseline that runs past its limit is a result, not a failure.
                            baseline += f": > {FORCE_LIMIT_MS / 1000:.0f} s (limit)"
                    record = _record(f"viz: view drawn in Chromium ({n:,} nodes)", snap, drawn, baseline, force)
                    if force is None and "limit" in baseline:
                        record["baseline_over_limit_seconds"] = FORCE_LIMIT_MS / 1000
                    records.append(record)
    write_records(records)
    print(f"{'benchmark':44} {'nodes':>7} {'edges':>7} {'seconds':>9} {'baseline':>32} {'base s':>8} {'ratio':>7}")
    for r in records:
        bs = r["baseline_seconds"]
        over = r.get("baseline_over_limit_seconds")
        ratio = f"{bs / r['seconds']:.1f}x" if bs else f"> {over / r['seconds']:.0f}x" if over else ""
        print(
            f"{r['name']:44} {r['nodes']:>7,} {r['edges']:>7,} {r['seconds']:>9.3f} "
            f"{r['baseline']:>32} {'' if bs is None else f'{bs:.3f}':>8} {ratio:>7}"
        )
    big = next((r for r in records if r["name"].startswith("viz: view drawn") and r["nodes"] == 5000), None)
    if big is not None:
        verdict = "meets" if big["seconds"] < 3.0 else "MISSES"
        print(f"5,000-node view drawn in {big['seconds']:.2f} s: {verdict} the 3 s target")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
