"""`chainshock scenarios`, `companies` and `compare`: what can be run, who is in the graph, two runs side by side."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from chainshock.home import snapshot_dir

from ._common import Table, emit_json, err, guarded, out
from ._export import CsvOpt, ParquetOpt, XlsxOpt, check, export

__all__ = ["register"]


def _pct(x: float | None) -> str:
    return "" if x is None else f"{x * 100:+.2f}%"


def _pp(x: float | None) -> str:
    """A difference of two fractions, in percentage points."""
    return "" if x is None else f"{x * 100:+.2f} pp"


def scenarios(json_out: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False) -> None:
    """List the shipped scenarios; run one by name with `chainshock shock NAME`.

    * `chainshock scenarios`

    * `chainshock shock memory-squeeze`
    """
    _scenarios(json_out)


@guarded
def _scenarios(json_out: bool) -> None:
    from chainshock.queries.catalog import catalog

    entries = catalog()
    if json_out:
        emit_json({"scenarios": [e.__dict__ for e in entries]})
        return
    for e in entries:
        shocks = ", ".join(e.shocks) + (" + capex" if e.capex else "") if e.shocks else "capex"
        first = e.description.split(". ")[0].rstrip(".")
        out.print(f"[bold]{e.name}[/]  {shocks}; {e.horizon_quarters} quarters")
        out.print(f"  {first}.", markup=False)
    out.print("run one: chainshock shock NAME  (or give a path to your own YAML; format in docs/scenarios.md)")


def companies(
    query: Annotated[
        str | None, typer.Argument(help="Only companies whose name, id, ticker, CIK or alias contains this.", metavar="QUERY")
    ] = None,
    role: Annotated[
        str | None, typer.Option(help="Only this role, e.g. memory_producer, hyperscaler (see `chainshock info`).")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
    csv: CsvOpt = None,
    parquet: ParquetOpt = None,
    xlsx: XlsxOpt = None,
) -> None:
    """The companies in the graph, with the ids, tickers and CIKs every command accepts.

    * `chainshock companies`

    * `chainshock companies --role memory_producer`

    * `chainshock companies hynix`
    """
    _companies(query, role, json_out, csv, parquet, xlsx)


@guarded
def _companies(
    query: str | None, role: str | None, json_out: bool, csv: Path | None, parquet: Path | None, xlsx: Path | None
) -> None:
    import difflib

    from chainshock.api import _company_rows
    from chainshock.errors import NotFoundError
    from chainshock.graph.schema import Role
    from chainshock.graph.snapshot import read_snapshot

    check(csv, parquet, xlsx)
    if role is not None and role not in Role.__members__:
        close = difflib.get_close_matches(role, list(Role.__members__), n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"roles are {', '.join(Role.__members__)}"
        raise NotFoundError(f"--role {role}: no such role; {hint}")
    snap = read_snapshot(snapshot_dir())
    rows = _company_rows(snap, role, query)

    def tables() -> dict[str, Any]:
        from chainshock.queries.frames import frame

        return {"companies": frame(rows, ["id", "name", "ticker", "cik", "roles", "country"])}

    export(tables, csv, parquet, xlsx)
    if json_out:
        emit_json({"companies": rows})
        return
    if not rows:
        what = " and ".join(x for x in (f"role {role}" if role else "", f"'{query}'" if query else "") if x)
        raise NotFoundError(f"no company matches {what}; `chainshock companies` lists them all")
    table = Table(show_edge=False, pad_edge=False)
    for col in ("name", "id", "ticker", "CIK", "roles", "country"):
        table.add_column(col, overflow="fold", no_wrap=col in ("id", "ticker", "CIK", "country"))
    for r in rows:
        table.add_row(r["name"], r["id"], r["ticker"] or "", (r["cik"] or "").lstrip("0"), r["roles"], r["country"] or "")
    out.print(table)
    out.print(f"{len(rows)} companies")


def compare(
    a: Annotated[str, typer.Argument(help="Scenario A: a shipped name (memory-squeeze) or a YAML file.", metavar="A")],
    b: Annotated[str, typer.Argument(help="Scenario B, compared against A.", metavar="B")],
    top: Annotated[int, typer.Option(min=1, help="Rows shown: the nodes whose change differs most.")] = 15,
    draws: Annotated[
        int | None, typer.Option(min=0, max=100_000, help="Monte Carlo draws for both (0: base values only).")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Random seed for both.")] = None,
    start: Annotated[str | None, typer.Option(help="First quarter for both, e.g. 2026Q1.")] = None,
    horizon: Annotated[int | None, typer.Option(min=1, max=40, help="Quarters in both paths.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report",
            help="Also write the comparison as a report: who gains and who pays in USD side by side "
            "(.html, .md or .json).",
        ),
    ] = None,
    csv: CsvOpt = None,
    parquet: ParquetOpt = None,
    xlsx: XlsxOpt = None,
) -> None:
    """Run two scenarios and show where they differ: prices (end of horizon), margins, indexes.

    * `chainshock compare memory-squeeze contract-cliff`

    * `chainshock compare memory-squeeze contract-cliff --report compare.html`

    * `chainshock compare memory-squeeze my.yaml --draws 0 --json`
    """
    _compare(a, b, top, draws, seed, start, horizon, json_out, csv, parquet, xlsx, report)


@guarded
def _compare(
    a: str, b: str, top: int, draws: int | None, seed: int | None, start: str | None, horizon: int | None,
    json_out: bool, csv: Path | None, parquet: Path | None, xlsx: Path | None, report: Path | None = None,
) -> None:
    from chainshock.graph.snapshot import read_snapshot
    from chainshock.queries.catalog import locate
    from chainshock.queries.compare import compare_results
    from chainshock.queries.shock import run_scenario

    from .view_cmd import REPORT_FORMATS, OutputError, check_out

    check(csv, parquet, xlsx)
    if report is not None:
        check_out(report, tuple(REPORT_FORMATS), "--report")
    files = locate(a), locate(b)
    snap = read_snapshot(snapshot_dir())
    ra, rb = (
        run_scenario(snap, f, draws=draws, seed=seed, horizon=horizon, start=start) for f in files
    )
    cmp = compare_results(ra, rb)

    def tables() -> dict[str, Any]:
        from chainshock.queries.frames import comparison_tables

        return comparison_tables(cmp)

    export(tables, csv, parquet, xlsx)
    if report is not None:
        from chainshock.viz.compare_report import build_comparison, write_comparison

        section = build_comparison(ra, rb, cmp)
        try:
            written = write_comparison(section, report, REPORT_FORMATS[report.suffix.lower()])
        except OSError as e:
            raise OutputError(f"cannot write --report {report}: {e.strerror or e}") from None
        err.print(f"report: {written}")
    if json_out:
        emit_json(cmp)
        return
    out.print(f"[bold]A[/] {cmp.a} ({_span(cmp.a_quarters)})   [bold]B[/] {cmp.b} ({_span(cmp.b_quarters)})")
    end = cmp.a_quarters[-1] if cmp.a_quarters else "end"
    table = Table(
        title=f"prices at {end}, and the widest gap in any quarter (largest difference first)",
        title_justify="left", show_edge=False, pad_edge=False,
    )
    table.add_column("node", no_wrap=True, max_width=30, overflow="ellipsis")
    for col in ("A", "B", "B − A", "widest gap"):
        table.add_column(col, justify="right", no_wrap=True)
    shown = [r for r in cmp.prices if _differs(r)][:top]
    for r in shown:
        gap = f"{_pp(r.path_delta)} ({r.path_quarter})" if r.path_quarter else ""
        table.add_row(r.name, _pct(r.a), _pct(r.b), _pp(r.delta), gap)
    if shown:
        out.print(table)
    same = sum(1 for r in cmp.prices if not _differs(r))
    out.print(f"{len(cmp.prices)} nodes; {same} move the same in both in every shared quarter (within 0.005 pp)")
    if cmp.indexes:
        ix = Table(title="indexes", title_justify="left", show_edge=False, pad_edge=False)
        ix.add_column("index", max_width=30, overflow="ellipsis", no_wrap=True)
        ix.add_column("weighting", no_wrap=True)
        for col in ("A", "B", "B − A"):
            ix.add_column(col, justify="right", no_wrap=True)
        for row in cmp.indexes:
            ix.add_row(row.name.split(" (")[0], row.weighting, _pct(row.a), _pct(row.b), _pp(row.delta))
        out.print()
        out.print(ix)
    for note in cmp.notes:
        out.print(f"note: {note}", markup=False)


def _differs(r: object) -> bool:
    d = getattr(r, "delta", None)
    g = getattr(r, "path_delta", None)
    return d is None or abs(d) >= 5e-5 or (g is not None and abs(g) >= 5e-5)


def _span(quarters: list[str]) -> str:
    return f"{quarters[0]}–{quarters[-1]}" if quarters else ""


def _usd(x: float | None) -> str:
    if x is None:
        return ""
    a = abs(x)
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
        if a >= scale:
            return f"{'-' if x < 0 else ''}${a / scale:.3g}{suffix}"
    return f"{'-' if x < 0 else ''}${a:,.0f}"


def register(app: typer.Typer) -> None:
    app.command("scenarios")(scenarios)
    app.command("companies")(companies)
    app.command("compare")(compare)
