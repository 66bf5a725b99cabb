"""`chainshock shock`: run a scenario (or one shock) through the graph."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from chainshock.errors import ScenarioError
from chainshock.home import snapshot_dir

from ._common import Table, emit_json, guarded, out
from ._export import CsvOpt, ParquetOpt, XlsxOpt, check, export

if TYPE_CHECKING:
    from chainshock.queries.result import Impact, ShockResult

__all__ = ["register"]


def shock(
    scenario: Annotated[
        Path | None,
        typer.Argument(
            help="A shipped scenario's name (`chainshock scenarios`) or a scenario YAML file (docs/scenarios.md).",
            metavar="SCENARIO",
        ),
    ] = None,
    node: Annotated[
        list[str] | None,
        typer.Option(help="Shock a node instead: an id, ticker or name (with --pct); repeat for several."),
    ] = None,
    pct: Annotated[
        list[float] | None,
        typer.Option(help="With --node: the price change in percent (30 = +30%); one, or one per --node."),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON document (ShockResult).")] = False,
    top: Annotated[int | None, typer.Option("--top", min=0, max=100, help="Paths shown per affected node.")] = None,
    draws: Annotated[
        int | None, typer.Option(min=0, max=100_000, help="Monte Carlo draws (0: base values only).")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Random seed for the draws.")] = None,
    start: Annotated[str | None, typer.Option(help="First quarter, e.g. 2026Q1 (default: the scenario's, else now).")] = None,
    horizon: Annotated[int | None, typer.Option(min=1, max=40, help="Quarters in the path.")] = None,
    allow_extreme: Annotated[
        bool, typer.Option("--allow-extreme", help="Allow a shock beyond -90%..+300%.")
    ] = False,
    valuation: Annotated[
        str | None,
        typer.Option(help="Index valuation: pv (present value, default) or pe (constant P/E, an upper bound)."),
    ] = None,
    sensitivity: Annotated[
        bool, typer.Option("--sensitivity", help="Add a tornado table: which inputs drive each index's change.")
    ] = False,
    sweep: Annotated[
        str | None,
        typer.Option(help="Run once per value: NODE=START:STOP:STEP or NODE=V1,V2 (percent), e.g. product:hbm=10:50:10."),
    ] = None,
    chart: Annotated[Path | None, typer.Option(help="With --sweep: write the sweep's chart to this .svg file.")] = None,
    csv: CsvOpt = None,
    parquet: ParquetOpt = None,
    xlsx: XlsxOpt = None,
) -> None:
    """Trace a price or capex shock to companies, end customers and indexes.

    Examples:

    * `chainshock shock memory-squeeze` (a shipped scenario; `chainshock scenarios` lists them)

    * `chainshock shock scenarios/memory-squeeze.yaml`

    * `chainshock shock --sweep product:hbm=10:50:10 --chart hbm.svg`

    * `chainshock shock memory-squeeze --xlsx squeeze.xlsx` (prices, quarters, paths, indexes: a sheet each)

    * `chainshock shock --node "SK hynix" --pct 10 --draws 0`

    * `chainshock shock scenarios/capex-doubling.yaml --json --draws 2000 --seed 7`

    The scenario format is in docs/scenarios.md.
    """
    _shock(scenario, node, pct, json_out, top, draws, seed, start, horizon, allow_extreme, valuation, sensitivity,
           sweep, chart, (csv, parquet, xlsx))


@guarded
def _shock(
    file: Path | None,
    node: list[str] | None,
    pct: list[float] | None,
    json_out: bool,
    top: int | None,
    draws: int | None,
    seed: int | None,
    start: str | None,
    horizon: int | None,
    allow_extreme: bool = False,
    valuation: str | None = None,
    sensitivity: bool = False,
    sweep: str | None = None,
    chart: Path | None = None,
    exports: tuple[Path | None, Path | None, Path | None] = (None, None, None),
) -> None:
    from chainshock.graph.snapshot import read_snapshot
    from chainshock.queries.catalog import locate
    from chainshock.queries.shock import run_scenario

    if file is not None and (node or pct):
        raise ScenarioError("give a scenario file or --node/--pct, not both")
    if valuation is not None and valuation not in ("pv", "pe"):
        raise ScenarioError(f"--valuation {valuation}: use pv (present value) or pe (constant P/E, upper bound)")
    check(*exports)
    if file is not None:
        file = locate(file)  # a shipped scenario's name, or a file
    if chart is not None and sweep is None:
        raise ScenarioError("--chart draws a sweep; add --sweep NODE=START:STOP:STEP")
    snap = read_snapshot(snapshot_dir())
    if sweep is not None:
        from ._sweep import run_sweep

        overrides = {"draws": draws, "seed": seed, "top_k": top, "horizon": horizon, "start": start}
        if len(node or []) > 1 or len(pct or []) > 1:
            raise ScenarioError("--sweep takes at most one --node and one --pct")
        one_node = node[0] if node else None
        one_pct = pct[0] if pct else None
        run_sweep(snap, file, sweep, one_node, one_pct, overrides, json_out, chart, exports)
        return
    result = run_scenario(
        snap, file, node=node or None, pct=pct or None, draws=draws, seed=seed, top_k=top, horizon=horizon,
        start=start, allow_extreme=allow_extreme, valuation=valuation, with_sensitivity=sensitivity,
    )
    from ._common import err

    for a in result.assumptions:
        if a.startswith("Warning: "):
            err.print(f"[yellow]warning:[/] {a.removeprefix('Warning: ')}", highlight=False)

    def tables() -> dict[str, Any]:
        from chainshock.queries.frames import shock_tables

        return shock_tables(result)

    export(tables, *exports)
    if json_out:
        emit_json(result)
        return
    _print(result)


_METRIC_SHORT = {"remaining_performance_obligations": "RPO", "backlog": ""}


def _pct(x: float | None) -> str:
    return "" if x is None else f"{x * 100:+.2f}%"


def _usd(x: float | None) -> str:
    if x is None:
        return ""
    a = abs(x)
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if a >= scale:
            return f"{'-' if x < 0 else ''}${a / scale:.3g}{suffix}"
    return f"{'-' if x < 0 else ''}${a:,.0f}"


def _print(result: ShockResult) -> None:
    sc = result.scenario
    shocks = ", ".join(f"{s.name} {s.pct:+g}%" for s in sc.shocks) or "capex only"
    out.print(f"[bold]{sc.name}[/]: {shocks}")
    mc = f"{sc.draws} Monte Carlo draws, seed {sc.seed}" if sc.draws else "base values only (--draws 0)"
    out.print(f"horizon {sc.quarters[0]}–{sc.quarters[-1]} ({sc.horizon_quarters} quarters); {mc}")
    if sc.description:
        out.print(sc.description, markup=False)
    by_tier: dict[str, list[Impact]] = {}
    for imp in result.impacts:
        by_tier.setdefault(imp.tier, []).append(imp)
    mc_cols = sc.draws > 0
    bases: list[str] = []
    for tier, imps in by_tier.items():
        # the long-run column only where it differs from the horizon's end
        long_run = any(abs((i.steady_state or 0.0) - i.price_change) > 5e-5 for i in imps)
        table = Table(title=f"[bold]{tier}[/]", title_justify="left", show_edge=False, pad_edge=False)
        table.add_column("node", no_wrap=True, max_width=24, overflow="ellipsis")
        table.add_column(sc.quarters[-1], justify="right", no_wrap=True, min_width=7)
        if mc_cols:
            for col in ("P5", "P50", "P95"):
                table.add_column(col, justify="right", no_wrap=True, min_width=7)
        if long_run:
            table.add_column("long run", justify="right", no_wrap=True, min_width=7)
        table.add_column("ΔOI (horizon)", justify="right", no_wrap=True)
        for imp in imps:
            mark = (" *" if imp.shielded else "") + (" †" if imp.price_basis == "products" else "")
            row = [imp.name + mark, _pct(imp.price_change)]
            if mc_cols:
                row += [_pct(imp.p5), _pct(imp.p50), _pct(imp.p95)]
            if long_run:
                row.append(_pct(imp.steady_state))
            row.append(_usd(imp.operating_income_change_usd))
            table.add_row(*row)
            if imp.operating_income_change_usd and imp.label == "Company":
                span = (
                    f", P5–P95 {_usd(imp.operating_income_p5)}–{_usd(imp.operating_income_p95)}"
                    if imp.operating_income_p5 is not None
                    else ""
                )
                bases.append(
                    f"{imp.name}: revenue {_usd(imp.revenue_change_usd)}, cost {_usd(imp.cost_change_usd)}, "
                    f"operating income {_usd(imp.operating_income_change_usd)}{span}"
                )
        out.print(table)
        out.print()
    if any(i.shielded for i in result.impacts):
        out.print("* part of an input is under a fixed-price contract during the horizon")
    if any(i.price_basis == "products" for i in result.impacts):
        out.print("† price of the products it makes, weighted by its revenue from each (market share × market size)")
    if bases:
        out.print("[bold]ledger[/] (sums over the horizon, USD; what one pays another receives)")
        for b in bases:
            out.print(f"  {b}", markup=False)
        out.print()
    if result.paths:
        out.print("[bold]top paths[/] (share of the node's long-run change each walk carries)")
        shown = 0
        last = None
        for p in result.paths:
            if p.target in {s.node for s in sc.shocks}:
                continue
            if p.target != last:
                if shown >= 12:
                    break
                shown += 1
                last = p.target
                out.print(f"  {p.target_name}:", markup=False)
            out.print(f"    {p.share * 100:5.1f}%  {_pct(p.contribution):>8}  " + " → ".join(p.names), markup=False)
        out.print()
    if result.balance:
        worst = max(abs(b.residual_usd) for b in result.balance)
        paid = sum(b.paid_usd for b in result.balance)
        final = sum(b.final_demand_usd for b in result.balance)
        out.print(
            f"[bold]balance[/]: graph companies pay {_usd(paid)} more, final demand {_usd(final)}, "
            f"received {_usd(paid + final)}; largest quarterly residual {worst:.2g} USD"
        )
        out.print()
    if result.indexes:
        vals = sorted({ix.valuation for ix in result.indexes})
        label = "present value of after-tax Δoperating income" if vals == ["pv"] else "constant P/E, an upper bound"
        table = Table(title=f"indexes ({label})", title_justify="left", show_edge=False, pad_edge=False)
        cols = ("index", "weighting", "change", "P5", "P50", "P95", "coverage") if mc_cols else (
            "index", "weighting", "change", "coverage")
        for col in cols:
            table.add_column(col, justify="left" if col in ("index", "weighting") else "right")
        notes = []
        for ix in result.indexes:
            band = [_pct(ix.p5), _pct(ix.p50), _pct(ix.p95)] if mc_cols else []
            table.add_row(ix.name, ix.weighting, _pct(ix.change), *band, f"{ix.coverage * 100:.1f}%")
            if ix.note:
                notes.append(f"  {ix.name} ({ix.weighting}): {ix.note}")
        out.print(table)
        for note in notes:
            out.print(note, markup=False)
        out.print()
    if result.sensitivity:
        table = Table(title="what drives the index changes (each input at its low and high end, others at base)",
                      title_justify="left", show_edge=False, pad_edge=False)
        for col in ("index", "input", "low", "high", "swing"):
            table.add_column(col, justify="left" if col in ("index", "input") else "right")
        for srow in result.sensitivity:
            if srow.swing > 0:
                table.add_row(f"{srow.index} ({srow.weighting})", srow.input, _pct(srow.low), _pct(srow.high),
                              f"{srow.swing * 100:.3f} pp")
        out.print(table)
        out.print()
    if result.capex is not None:
        cx = result.capex
        out.print(
            f"[bold]capex[/]: {_usd(cx.total_change_usd)} change, {_usd(cx.allocated_usd)} spent with suppliers "
            f"in the graph, {_usd(cx.unallocated_usd)} elsewhere"
        )
        for cs in cx.shocks:
            out.print(
                f"  {cs.name}: {_usd(cs.baseline_usd)} -> {_usd(cs.shocked_usd)} ({cs.baseline_source})",
                markup=False,
            )
        table = Table(show_edge=False, pad_edge=False)
        for col in ("reaches", "revenue change", "P5", "P95", "backlog (or RPO)", "change / backlog"):
            table.add_column(col, justify="left" if col == "reaches" else "right")
        for r in cx.reached[:25]:
            table.add_row(
                f"{r.name} ({r.node})", _usd(r.revenue_change_usd), _usd(r.p5), _usd(r.p95),
                f"{_usd(r.backlog_usd)} {_METRIC_SHORT.get(r.backlog_metric or '', '')}".strip(),
                f"{r.ratio_to_backlog:.2f}×" if r.ratio_to_backlog is not None else "",
            )
        out.print(table)
        out.print()
    active = [c for c in result.contracts if c.shielded_quarters]
    if active:
        out.print("[bold]fixed-price shields[/] (in force during the horizon)")
        for c in active:
            until = f"until {c.end}" if c.end else "with no end date"
            out.print(
                f"  {c.name}: {c.fixed_share * 100:.0f}% of {c.buyer}'s {c.product} {until}"
                + (" (expires within the horizon)" if c.expires_in_horizon else ""),
                markup=False,
            )
        out.print()
    out.print("[bold]assumptions[/]")
    for a in result.assumptions:
        out.print(f"  - {a}", markup=False)


def register(app: typer.Typer) -> None:
    app.command("shock")(shock)
