"""`chainshock build`, `info`, `facts` and `paths`."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from chainshock.errors import ChainshockError
from chainshock.home import home, snapshot_dir

from ._common import Table, emit_json, err, guarded, out

if TYPE_CHECKING:
    from chainshock.graph.snapshot import Snapshot

__all__ = ["register"]


def _open_snapshot() -> Snapshot:
    from chainshock.graph.snapshot import read_snapshot

    return read_snapshot(snapshot_dir())


def build(
    filings: Annotated[
        Path | None,
        typer.Option(help="An EDGAR-layout directory (companyfacts/, submissions/, filings/) to read filings from."),
    ] = None,
    live: Annotated[bool, typer.Option(help="Fetch filings from SEC EDGAR first (needs --user-agent and --ticker).")] = False,
    user_agent: Annotated[
        str | None, typer.Option(help='Your name and email for SEC EDGAR, e.g. "Jane Doe jane@example.com".')
    ] = None,
    ticker: Annotated[list[str] | None, typer.Option(help="With --live: a ticker to fetch (repeatable).")] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Write the snapshot here instead of $CHAINSHOCK_HOME/graph.")
    ] = None,
    data: Annotated[Path | None, typer.Option(help="Curated data directory (default: the bundled dataset).")] = None,
    strict: Annotated[
        bool, typer.Option(help="Refuse edges no quote proves unless marked inferred, and contradictory figures.")
    ] = False,
) -> None:
    """Build the graph snapshot from the curated dataset (and filings).

    With no options it builds from the bundled, cited dataset. Examples:

        chainshock build
        chainshock build --filings ../shared/filings
        chainshock build --live --user-agent "Jane Doe jane@example.com" --ticker NVDA --ticker MSFT
    """
    _build(filings, live, user_agent, ticker or [], out_dir, data, strict)


@guarded
def _build(
    filings: Path | None,
    live: bool,
    user_agent: str | None,
    tickers: list[str],
    out_dir: Path | None,
    data: Path | None,
    strict: bool = False,
) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from chainshock.build import build as run_build
    from chainshock.data import data_dir

    started = time.perf_counter()
    target = out_dir if out_dir is not None else snapshot_dir()
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=not err.is_terminal,
    ) as progress:
        tasks: dict[str, Any] = {}

        def report(stage: str, done: int, total: int) -> None:
            # one bar per stage, counting that stage's own items; a new stage closes the previous one
            if stage not in tasks:
                for task_id in tasks.values():
                    task = progress.tasks[task_id]
                    progress.update(task_id, completed=task.total)
                tasks[stage] = progress.add_task(stage, total=total)
            progress.update(tasks[stage], completed=done, total=total)

        if live:
            if filings is not None:
                raise ChainshockError("use either --live or --filings, not both")
            if not tickers:
                raise ChainshockError("--live needs at least one --ticker, e.g. --ticker NVDA")
            from chainshock.loaders.edgar.live import fetch

            filings = fetch(tickers, user_agent or "", home() / "edgar-cache", progress=report)
        if filings is not None:
            from chainshock.graph.resolve import NLP_HINT, nlp_available

            if not nlp_available():
                err.print(
                    "note: names in filings are matched exactly and by alias only (no embedding model); "
                    f"for embedding matches: {NLP_HINT}",
                    markup=False, highlight=False,
                )
        result = run_build(target, data or data_dir(), filings=filings, progress=report, strict=strict)
    elapsed = time.perf_counter() - started
    from chainshock.graph.snapshot import read_snapshot

    snap = read_snapshot(target)
    labels = Counter(snap.nodes["label"])
    types = Counter(snap.edges["type"])
    out.print(f"[bold green]built[/] snapshot {result.content_hash} at {target} in {elapsed:.1f}s")
    out.print(
        f"  nodes {len(snap.nodes):,}: "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(labels.items()))
    )
    out.print(f"  edges {len(snap.edges):,}: " + ", ".join(f"{k} {v:,}" for k, v in sorted(types.items())))
    out.print(
        f"  facts {len(snap.facts):,}, evidence {len(snap.evidence):,}, sources {len(snap.sources):,}"
    )
    if result.skipped:
        out.print(f"  skipped {len(result.skipped)} file(s):")
        for path, reason in result.skipped:
            out.print(f"    {path}: {reason}")


def info(json_out: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False) -> None:
    """Counts of nodes by label, edges by type, companies by role, and sources."""
    _info(json_out)


@guarded
def _info(json_out: bool) -> None:
    doc = _info_from_manifest() or _info_from_tables()
    if json_out:
        emit_json(doc)
        return
    out.print(f"snapshot {doc['snapshot']['content_hash']} built {doc['snapshot']['built_at']}")
    for title, key in (("nodes", "nodes"), ("edges", "edges"), ("companies by role", "roles")):
        table = Table(title=title, title_justify="left", show_header=False, box=None, pad_edge=False)
        for k, v in doc[key].items():
            table.add_row(f"  {k}", f"{v:>6,}")
        out.print(table)
    out.print(f"sources {doc['sources']:,}, facts {doc['facts']:,}, evidence rows {doc['evidence']:,}")
    filed = doc["edges_from_filings"]
    out.print(f"edges with evidence extracted from filings {filed['edges']:,} "
              f"({filed['also_curated']:,} also curated, {filed['filings_only']:,} from filings only)")


def _info_from_manifest() -> dict[str, Any] | None:
    """The info document from ``manifest.json`` alone (no pandas, no pydantic), if it has the summary.

    The summary is written by this chainshock's snapshot writer; a snapshot
    without one (older) is read in full instead.
    """
    from chainshock.graph.integrity import TABLES, check_snapshot

    path = snapshot_dir()
    # the files' sizes against the manifest (hashes on a version's first open): a damaged
    # snapshot is one line here too, though info reads only the manifest
    _, manifest = check_snapshot(path, TABLES)
    summary, tables = manifest.get("summary"), manifest.get("tables", {})
    if not summary or "edges_from_filings" not in summary or not all(t in tables for t in ("sources", "facts", "evidence")):
        return None
    return {
        "nodes": summary["nodes"],
        "edges": summary["edges"],
        "roles": summary["roles"],
        "edges_from_filings": summary["edges_from_filings"],
        "sources": tables["sources"]["rows"],
        "facts": tables["facts"]["rows"],
        "evidence": tables["evidence"]["rows"],
        "snapshot": {
            "path": str(path.resolve()),
            "content_hash": manifest.get("content_hash", ""),
            "built_at": manifest.get("built_at"),
            "schema_version": manifest.get("schema_version"),
        },
    }


def _info_from_tables() -> dict[str, Any]:
    from chainshock.graph.snapshot import edges_from_filings

    snap = _open_snapshot()
    companies = snap.nodes[snap.nodes["label"] == "Company"]
    roles: Counter[str] = Counter(r for rs in companies["roles"] for r in rs)
    return {
        "nodes": dict(sorted(Counter(snap.nodes["label"]).items())),
        "edges": dict(sorted(Counter(snap.edges["type"]).items())),
        "roles": dict(sorted(roles.items())),
        "sources": len(snap.sources),
        "facts": len(snap.facts),
        "evidence": len(snap.evidence),
        "edges_from_filings": edges_from_filings(snap.edges, snap.evidence, snap.sources),
        "snapshot": {
            "path": str(snap.path),
            "content_hash": snap.content_hash,
            "built_at": snap.manifest.get("built_at"),
            "schema_version": snap.manifest.get("schema_version"),
        },
    }


def _source_ref(snap: Snapshot, source_id: str, evidence: list[dict[str, Any]]) -> dict[str, Any]:
    rows = snap.sources[snap.sources["id"] == source_id].to_dict("records")
    src = rows[0] if rows else {}
    ev = next((e for e in evidence if e["source_id"] == source_id), evidence[0] if evidence else {})
    ref = {
        "id": source_id,
        "title": src.get("title"),
        "url": src.get("url"),
        "accession": src.get("accession"),
        "form": src.get("form"),
        "locator": ev.get("locator"),
        "quote": ev.get("quote"),
        "method": ev.get("method"),
        "as_of": ev.get("as_of"),
    }
    return {k: v for k, v in ref.items() if v not in (None, "")}


def facts(
    company: Annotated[str, typer.Argument(help="An id, ticker, CIK or name: NVDA, 'SK hynix', company:micron, 1045810.")],
    metric: Annotated[str | None, typer.Option(help="Only this metric (capex, revenue, backlog, ...).")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Metrics of a company by fiscal year, each with its source."""
    _facts(company, metric, json_out)


@guarded
def _facts(company: str, metric: str | None, json_out: bool) -> None:
    from chainshock.graph.lookup import resolve_node
    from chainshock.graph.project import evidence_by_subject
    from chainshock.graph.records import decode_estimate

    snap = _open_snapshot()
    node_id = resolve_node(snap, company, labels=["Company"])
    node = snap.node(node_id)
    frame = snap.facts[snap.facts["company"] == node_id]
    if metric:
        _check_metric(metric, set(snap.facts["metric"]), set(frame["metric"]), node.name)
        frame = frame[frame["metric"] == metric]
    frame = frame.sort_values(["metric", "period_end", "fiscal_period"], kind="mergesort")
    evidence = evidence_by_subject(snap)
    items = []
    for f in frame.to_dict("records"):
        item: dict[str, Any] = {
            "metric": f["metric"],
            "fiscal_year": None if f["fiscal_year"] is None or f["fiscal_year"] != f["fiscal_year"] else int(f["fiscal_year"]),
            "fiscal_period": f["fiscal_period"],
            "period_start": str(f["period_start"]) if f["period_start"] is not None else None,
            "period_end": str(f["period_end"]),
            "value": f["value"],
            "unit": f["unit"],
            "concept": f["concept"],
            "source": _source_ref(snap, f["source_id"], evidence.get(f["id"], [])),
            "other_sources": [
                _source_ref(snap, e["source_id"], [e])
                for e in evidence.get(f["id"], [])
                if e["source_id"] != f["source_id"]
            ],
        }
        estimate = decode_estimate(f["estimate"], f"{f['id']}: estimate")
        if estimate is not None:
            item["estimate"] = estimate.model_dump(mode="json")
        items.append(item)
    doc = {
        "company": {
            "id": node_id,
            "name": node.name,
            "roles": list(node.roles),
            "ticker": node.ticker,
            "cik": node.cik,
            **{k: v for k, v in node.properties.items() if k in ("country", "exchange", "aliases", "cost_base_usd", "pass_through")},
        },
        "facts": items,
    }
    if json_out:
        emit_json(doc)
        return
    out.print(f"[bold]{node.name}[/] ({node_id}) roles: {', '.join(node.roles)}")
    for key in ("cost_base_usd", "pass_through"):
        est = node.estimate(key)
        if est is not None:
            out.print(f"  {key} (estimate): {_num(est.base)} [{_num(est.low)} – {_num(est.high)}] — {est.basis}")
    if not items:
        out.print("  no facts recorded for this company (try `chainshock build --filings DIR`)")
        return
    table = Table(show_lines=False)
    for col in ("metric", "FY", "period", "end", "value", "source"):
        table.add_column(col, overflow="fold")
    for it in items:
        src = it["source"]
        label = src.get("accession") or src.get("url") or src.get("id")
        if src.get("locator"):
            label = f"{label} ({src['locator']})"
        if "estimate" in it:
            label = f"estimate; {label}"
        table.add_row(
            it["metric"], str(it["fiscal_year"] or ""), it["fiscal_period"], it["period_end"],
            _num(it["value"], it["unit"]), label,
        )
    out.print(table)


def _check_metric(metric: str, known: set[str], mine: set[str], name: str) -> None:
    """Refuse a metric no fact has (with "did you mean"), and say which metrics this company has."""
    import difflib

    from chainshock.errors import NotFoundError

    if metric in mine:
        return
    has = f"; {name} has {', '.join(sorted(mine))}" if mine else f"; {name} has no facts recorded"
    if metric not in known:
        close = difflib.get_close_matches(metric, sorted(known), n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else f"metrics are {', '.join(sorted(known))}"
        raise NotFoundError(f"--metric {metric}: no such metric; {hint}{has if not close else ''}")
    raise NotFoundError(f"--metric {metric}: no {metric} facts for {name}{has}")


def _num(value: float, unit: str = "") -> str:
    if unit == "USD" or unit == "":
        a = abs(value)
        if a >= 1e12:
            return f"${value / 1e12:,.2f}T" if unit else f"{value / 1e12:,.2f}T"
        if a >= 1e9:
            return f"${value / 1e9:,.1f}B" if unit else f"{value / 1e9:,.1f}B"
        if a >= 1e6:
            return f"${value / 1e6:,.1f}M" if unit else f"{value / 1e6:,.1f}M"
        return f"{value:,.3g}"
    return f"{value:,.4g} {unit}"


def paths(
    source: Annotated[str, typer.Argument(help="Where the path starts (id, ticker, CIK or name).", metavar="FROM")],
    target: Annotated[str, typer.Argument(help="Where it ends.", metavar="TO")],
    max_hops: Annotated[int, typer.Option(min=1, max=10, help="Longest path in edges.")] = 4,
    limit: Annotated[int, typer.Option(min=1, help="Most paths shown, shortest first.")] = 5,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Supply paths from FROM to TO, with a source for every hop.

        chainshock paths "SK hynix" Apple
        chainshock paths company:micron "device buyers" --max-hops 5 --json
    """
    _paths(source, target, max_hops, limit, json_out)


@guarded
def _paths(source: str, target: str, max_hops: int, limit: int, json_out: bool) -> None:
    from chainshock.errors import NotFoundError
    from chainshock.graph.lookup import resolve_node
    from chainshock.queries.paths import supply_paths

    snap = _open_snapshot()
    labels = ["Company", "Product"]
    src, dst = resolve_node(snap, source, labels), resolve_node(snap, target, labels)
    try:
        result = supply_paths(snap, src, dst, max_hops, limit)
    except NotFoundError as e:
        # supply may flow the other way: say so instead of suggesting more hops
        try:
            back = supply_paths(snap, dst, src, max_hops, limit)
        except NotFoundError:
            raise e from None
        n = len(back.paths)
        raise NotFoundError(
            f"no supply path from {src} to {dst}: supply flows the other way, from {dst} to {src} "
            f"({n}{'+' if n >= limit else ''} path(s) within {max_hops} hops); run `chainshock paths "
            f"\"{target}\" \"{source}\"`"
        ) from None
    if json_out:
        emit_json(result)
        return
    sources = {r["id"]: r for r in snap.sources.to_dict("records")}
    for i, path in enumerate(result.paths, 1):
        out.print(f"[bold]path {i}[/]: " + " → ".join(path.names))
        for hop in path.edges:
            arrow = f"{hop.source} -[{hop.type}]-> {hop.target}"
            if hop.status != "proven":
                arrow += f"  [{hop.status.upper()}]"
            out.print(f"  {arrow}", markup=False, emoji=False)
            if hop.basis:
                out.print(f"      basis: {hop.basis}", markup=False, emoji=False)
            for ev in hop.evidence[:2]:
                src = sources.get(ev["source_id"], {})
                where = src.get("accession") or src.get("url") or ev["source_id"]
                quote = ev["quote"] or ev.get("locator") or ""
                quote = quote if len(quote) <= 160 else quote[:159].rstrip() + "…"
                out.print(f"      source: [{ev['grade']}] {where} ({ev['as_of']}) “{quote}”", markup=False, emoji=False)
            if not hop.evidence:
                out.print("      source: none recorded (not shown as fact)", markup=False)


def register(app: typer.Typer) -> None:
    app.command("build")(build)
    app.command("info")(info)
    app.command("facts")(facts)
    app.command("paths")(paths)
