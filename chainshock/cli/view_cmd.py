"""`chainshock view` (the interactive graph) and `chainshock report` (impact reports)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from chainshock.errors import ChainshockError
from chainshock.home import snapshot_dir

from ._common import err, guarded, out

if TYPE_CHECKING:
    from chainshock.graph.snapshot import Snapshot
    from chainshock.queries.result import ShockResult

__all__ = ["REPORT_FORMATS", "OutputError", "check_out", "register", "run_shock"]

REPORT_FORMATS: dict[str, Literal["html", "md", "json"]] = {
    ".html": "html", ".htm": "html", ".md": "md", ".markdown": "md", ".json": "json"
}


class OutputError(ChainshockError):
    """The --out path cannot be written or has an unknown extension."""


def _open_snapshot() -> Snapshot:
    from chainshock.graph.snapshot import read_snapshot

    return read_snapshot(snapshot_dir())


def _resolve(snapshot: Snapshot, text: str) -> str:
    from chainshock.graph.lookup import resolve_node

    return resolve_node(snapshot, text)


def run_shock(
    snapshot: Snapshot,
    scenario: Path | None,
    *,
    node: str | None = None,
    pct: float | None = None,
    draws: int | None = None,
    seed: int | None = None,
    start: str | None = None,
    horizon: int | None = None,
) -> ShockResult:
    """The result, computed exactly as `chainshock shock` does with the same options.

    Same calls, same arguments, so the report's numbers equal those of
    `chainshock shock SCENARIO --json` (or `--node ID --pct P`).
    """
    from chainshock.errors import ScenarioError
    from chainshock.queries.catalog import locate
    from chainshock.queries.shock import run_scenario

    if scenario is not None and (node is not None or pct is not None):
        raise ScenarioError("give a scenario or --node/--pct, not both")
    file = locate(scenario) if scenario is not None else None
    return run_scenario(
        snapshot, file, node=node, pct=pct, draws=draws, seed=seed, horizon=horizon, start=start
    )


# The shock options `report` and `view` share with `chainshock shock`.
NodeOpt = Annotated[str | None, typer.Option(help="Shock one node instead of a scenario: an id, ticker or name (with --pct).")]
PctOpt = Annotated[float | None, typer.Option(help="With --node: the price change in percent (30 = +30%).")]
DrawsOpt = Annotated[int | None, typer.Option(min=0, max=100_000, help="Monte Carlo draws (0: base values only).")]
SeedOpt = Annotated[int | None, typer.Option(help="Random seed for the draws.")]
StartOpt = Annotated[str | None, typer.Option(help="First quarter, e.g. 2026Q1 (default: the scenario's, else now).")]
HorizonOpt = Annotated[int | None, typer.Option(min=1, max=40, help="Quarters in the path.")]


def check_out(path: Path, allowed: tuple[str, ...], flag: str = "--out") -> None:
    """Fail early, in one line, on an output path that cannot be written or has an unknown extension."""
    if path.suffix.lower() not in allowed:
        raise OutputError(f"{flag} {path}: use a file ending in {', '.join(allowed)}")
    if path.exists() and path.is_dir():
        raise OutputError(f"{flag} {path} is a directory; give a file name")
    parent = path.parent if str(path.parent) else Path(".")
    if parent.exists() and not parent.is_dir():
        raise OutputError(f"{flag} {path}: {parent} is not a directory")


def view(
    out_path: Annotated[Path, typer.Option("--out", help="The HTML file to write (one self-contained file).")],
    focus: Annotated[
        str | None, typer.Option(help="Show only nodes near this node (id, ticker or name).")
    ] = None,
    hops: Annotated[int, typer.Option(help="With --focus: how many steps away to show.", min=0)] = 2,
    role: Annotated[
        list[str] | None,
        typer.Option(help="Show only companies with this role (repeatable), e.g. memory_producer."),
    ] = None,
    scenario: Annotated[
        Path | None,
        typer.Option(help="Show this scenario's story (who gains and who pays, by quarter): a shipped name or a YAML."),
    ] = None,
    node: NodeOpt = None,
    pct: PctOpt = None,
    draws: DrawsOpt = None,
    seed: SeedOpt = None,
    start: StartOpt = None,
    horizon: HorizonOpt = None,
    threshold: Annotated[
        float, typer.Option(help="With a scenario: smallest price change shown, in percent.", min=0.0)
    ] = 0.5,
    show_all: Annotated[
        bool, typer.Option("--all", help="With a scenario: show every node, not only what the shock moves.")
    ] = False,
) -> None:
    """Write an interactive view of the graph as one HTML file that works offline.

    Nodes are laid out by tier (memory -> chips -> servers -> cloud ->
    software -> consumers) and coloured by role. With --scenario (or
    --node/--pct, as in `chainshock shock`) the view shows what the shock
    moves and the paths that carry it, companies filled green (gain) or red
    (loss) by their change of operating income in USD, with a quarter
    slider; hover or click for facts and evidence with source links.
    Examples:

    * `chainshock view --out graph.html`

    * `chainshock view --focus "SK hynix" --hops 2 --out hynix.html`

    * `chainshock view --role memory_producer --role chip_designer --out chips.html`

    * `chainshock view --scenario memory-squeeze --out graph.html`

    * `chainshock view --scenario memory-squeeze --all --out whole.html`

    * `chainshock view --node "SK hynix" --pct 10 --draws 0 --out hynix-shock.html`
    """
    shock = {"node": node, "pct": pct, "draws": draws, "seed": seed, "start": start, "horizon": horizon}
    _view(out_path, focus, hops, role or [], scenario, shock, threshold / 100.0, not show_all)


@guarded
def _view(
    out_path: Path,
    focus: str | None,
    hops: int,
    roles: list[str],
    scenario: Path | None,
    shock: dict[str, Any] | None = None,
    threshold: float = 0.005,
    story: bool = True,
) -> None:
    from chainshock.viz.view import build_view
    from chainshock.viz.view_html import write_view

    check_out(out_path, (".html", ".htm"))
    snapshot = _open_snapshot()
    focus_id = _resolve(snapshot, focus) if focus else None
    shock = shock or {}
    wanted = scenario is not None or shock.get("node") is not None or shock.get("pct") is not None
    result = run_shock(snapshot, scenario, **shock) if wanted else None
    title = "chainshock: AI supply chain"
    if result is not None:
        title += f" under “{result.scenario.name}”"
    graph_view = build_view(
        snapshot, focus=focus_id, hops=hops, roles=roles, result=result, title=title, story=story, threshold=threshold
    )
    if not graph_view.nodes:
        raise OutputError("nothing to show: no node matches --focus/--role; widen the filter")
    try:
        path = write_view(graph_view, out_path)
    except OSError as e:
        raise OutputError(f"cannot write --out {out_path}: {e.strerror or e}") from None
    err.print(graph_view.counts_line())
    out.print(str(path))


def report(
    out_path: Annotated[
        Path, typer.Option("--out", help="report.html (self-contained), report.md or report.json.")
    ],
    scenario: Annotated[
        Path | None,
        typer.Argument(help="A shipped scenario's name or a scenario YAML file (or use --node/--pct).", metavar="SCENARIO"),
    ] = None,
    node: NodeOpt = None,
    pct: PctOpt = None,
    draws: DrawsOpt = None,
    seed: SeedOpt = None,
    start: StartOpt = None,
    horizon: HorizonOpt = None,
    compare: Annotated[
        Path | None,
        typer.Option(
            help="Add a section comparing this run with another scenario (a shipped name or a YAML), "
            "run with the same --draws/--seed/--start/--horizon: who gains and who pays side by side in USD.",
        ),
    ] = None,
) -> None:
    """Write the impact report of a scenario as HTML, Markdown or JSON.

    The format follows the file's extension. The numbers are those of
    `chainshock shock` with the same options. Examples:

    * `chainshock report memory-squeeze --out report.html`

    * `chainshock report memory-squeeze --compare contract-cliff --out report.html`

    * `chainshock report scenarios/memory-squeeze.yaml --out report.md`

    * `chainshock report --node "SK hynix" --pct 10 --out hynix.json`
    """
    _report(scenario, out_path, {"node": node, "pct": pct, "draws": draws, "seed": seed, "start": start,
                                 "horizon": horizon}, compare)


@guarded
def _report(
    scenario: Path | None, out_path: Path, shock: dict[str, Any] | None = None, compare: Path | None = None
) -> None:
    from chainshock.errors import ScenarioError
    from chainshock.viz.report import build_report, write_report

    check_out(out_path, tuple(REPORT_FORMATS))
    fmt = REPORT_FORMATS[out_path.suffix.lower()]
    shock = shock or {}
    if scenario is None and shock.get("node") is None:
        raise ScenarioError("give a scenario (a shipped name or a YAML file) or --node ID --pct P")
    snapshot = _open_snapshot()
    result = run_shock(snapshot, scenario, **shock)
    doc = build_report(result, snapshot)
    if compare is not None:
        from chainshock.viz.compare_report import with_comparison

        same = {k: shock.get(k) for k in ("draws", "seed", "start", "horizon")}
        doc = with_comparison(doc, run_shock(snapshot, compare, **same))
    try:
        path = write_report(doc, out_path, fmt)
    except OSError as e:
        raise OutputError(f"cannot write --out {out_path}: {e.strerror or e}") from None
    out.print(str(path))


def register(app: typer.Typer) -> None:
    """Add `view` and `report` to the app."""
    app.command("view")(view)
    app.command("report")(report)
