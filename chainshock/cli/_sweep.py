"""``chainshock shock --sweep NODE=START:STOP:STEP``: the table, the chart, the JSON."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._common import Table, emit_json, err, out

if TYPE_CHECKING:
    from chainshock.queries.sweep import SweepResult

__all__ = ["run_sweep", "sweep_svg"]

_ROWS = 12
_LINES = 6


def _pct(x: float | None) -> str:
    return "" if x is None else f"{x * 100:+.2f}%"


def _movers(sw: SweepResult, n: int) -> list[str]:
    """Nodes that move most at the largest swept value, the swept node itself left out."""
    last = max(sw.points, key=lambda p: abs(p.pct))
    return [k for k, _ in sorted(last.prices.items(), key=lambda kv: (-abs(kv[1]), kv[0])) if k != sw.node][:n]


def sweep_svg(sw: SweepResult) -> str:
    """Two stacked line charts: the most-moved prices and every index, against the swept percent."""
    from chainshock.viz.charts import Series, line_chart

    xs = [f"{p.pct:+g}%" for p in sw.points]
    nodes = _movers(sw, _LINES)
    prices = [Series(sw.names.get(n, n), xs, [p.prices.get(n, 0.0) for p in sw.points]) for n in nodes]
    keys = sorted({k for p in sw.points for k in p.indexes})
    indexes = [Series(sw.names.get(k, k).replace(" (Korea Composite Stock Price Index)", "")
                      .replace(" (TWSE Capitalization Weighted Stock Index)", ""), xs,
                      [p.indexes.get(k, 0.0) for p in sw.points]) for k in keys]
    charts = [line_chart(prices, title=f"price change at the horizon's end vs {sw.node_name} shock")]
    if indexes:
        charts.append(line_chart(indexes, title=f"index change vs {sw.node_name} shock"))
    height = 320 * len(charts)
    inner = "".join(
        c.replace("<svg ", f'<svg y="{320 * k}" ', 1) for k, c in enumerate(charts)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 720 {height}" width="720" height="{height}">'
        f"{inner}</svg>\n"
    )


def run_sweep(snapshot: Any, scenario_file: Path | None, spec_text: str, node: str | None, pct: float | None,
              overrides: dict[str, Any], json_out: bool, chart: Path | None,
              exports: tuple[Path | None, Path | None, Path | None]) -> None:
    """Run the sweep, print it (table or JSON), write the chart and exports."""
    from chainshock.errors import ScenarioError
    from chainshock.queries import catalog
    from chainshock.queries.scenario import scenario_from_shock
    from chainshock.queries.sweep import parse_sweep, sweep

    from ._export import export

    spec = parse_sweep(spec_text)
    if chart is not None and chart.suffix.lower() != ".svg":
        raise ScenarioError(f"--chart {chart}: give a file ending in .svg")
    if scenario_file is not None:
        scenario, _where, _path = catalog.load(scenario_file)
    elif node is not None or pct is not None:
        if node is None or pct is None:
            raise ScenarioError("--node needs --pct (and --pct needs --node)")
        scenario = scenario_from_shock(node, pct)
    else:
        scenario = scenario_from_shock(spec.node, spec.values[0]).model_copy(update={"name": f"{spec.node} sweep"})
    sw = sweep(snapshot, scenario, spec, **overrides)

    def tables() -> dict[str, Any]:
        from chainshock.queries.frames import sweep_frame

        return {"sweep": sweep_frame(sw)}

    export(tables, *exports)
    if chart is not None:
        from chainshock.viz.files import write_text_atomic

        path = write_text_atomic(chart, sweep_svg(sw))
        err.print(f"wrote {path}", markup=False, highlight=False)
    if json_out:
        emit_json(sw)
        return
    out.print(f"[bold]{sw.scenario}[/]: {sw.node_name} ({sw.node}) swept over "
              + ", ".join(f"{v:+g}%" for v in spec.values))
    table = Table(show_edge=False, pad_edge=False, title="price change at the horizon's end", title_justify="left")
    table.add_column("node", no_wrap=True, max_width=30, overflow="ellipsis")
    for p in sw.points:
        table.add_column(f"{p.pct:+g}%", justify="right", no_wrap=True)
    for n in _movers(sw, _ROWS):
        table.add_row(sw.names.get(n, n), *[_pct(p.prices.get(n)) for p in sw.points])
    out.print(table)
    keys = sorted({k for p in sw.points for k in p.indexes})
    if keys:
        ix = Table(show_edge=False, pad_edge=False, title="indexes", title_justify="left")
        ix.add_column("index", no_wrap=True, max_width=30, overflow="ellipsis")
        for p in sw.points:
            ix.add_column(f"{p.pct:+g}%", justify="right", no_wrap=True)
        for k in keys:
            ix.add_row(sw.names.get(k, k).split(" (")[0] + f" ({k.rsplit('(', 1)[-1]}",
                       *[_pct(p.indexes.get(k)) for p in sw.points])
        out.print()
        out.print(ix)
    if chart is None:
        out.print("add --chart sweep.svg for a chart", style="dim")
