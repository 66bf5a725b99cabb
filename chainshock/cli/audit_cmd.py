"""`chainshock audit`: how well each edge and fact is proven by its evidence."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from chainshock.errors import ChainshockError
from chainshock.home import snapshot_dir

from ._common import Table, Text, emit_json, guarded, out

__all__ = ["local_companyfacts", "local_filing_texts", "register"]


def local_filing_texts(filings: Path, accessions: set[str]) -> dict[str, str]:
    """Plain text of each local filing in ``accessions`` (EDGAR layout: filings/<cik>/<accession>/<doc>)."""
    from chainshock.loaders.edgar.text import html_to_text, normalize_text

    texts: dict[str, str] = {}
    root = filings / "edgar" / "filings" if (filings / "edgar" / "filings").is_dir() else filings / "filings"
    if not root.is_dir():
        raise ChainshockError(f"--filings {filings}: no filings/ folder (expected an EDGAR layout: filings/<cik>/<accession>/)")
    for folder in sorted(root.glob("*/*")):
        if folder.name not in accessions or not folder.is_dir():
            continue
        parts = []
        for doc in sorted(folder.iterdir()):
            raw = doc.read_text(encoding="utf-8", errors="replace")
            parts.append(html_to_text(raw) if doc.suffix.lower() in (".htm", ".html") else normalize_text(raw))
        texts[folder.name] = "\n".join(parts)
    return texts


def local_companyfacts(filings: Path) -> dict[str, Any]:
    """SEC companyfacts documents held locally, by CIK without leading zeros."""
    import json

    folder = filings / "edgar" / "companyfacts" if (filings / "edgar").is_dir() else filings / "companyfacts"
    return {str(int(p.stem[3:])): json.loads(p.read_text()) for p in sorted(folder.glob("CIK*.json"))}


def audit(
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
    strict: Annotated[
        bool, typer.Option(help="Exit 1 if any edge is unsupported, a quote is not in its filing, or a figure contradicts another.")
    ] = False,
    filings: Annotated[
        Path | None, typer.Option(help="An EDGAR-layout directory: check every quote citing a filing held there verbatim.")
    ] = None,
    show_all: Annotated[bool, typer.Option("--all", help="List every edge, not only the ones with problems.")] = False,
) -> None:
    """Grade every edge's and fact's evidence (filed, primary, secondary, judgement, inferred).

    An edge is proven when one quote names each of its parties (name, alias,
    ticker, or "we"/"our" in the party's own filing), inferred when it says so
    and names its basis, otherwise unsupported. Examples:

        chainshock audit
        chainshock audit --filings ../shared/filings --strict
        chainshock audit --json
    """
    _audit(json_out, strict, filings, show_all)


@guarded
def _audit(json_out: bool, strict: bool, filings: Path | None, show_all: bool) -> None:
    from chainshock.graph.audit import audit_tables, verify_quotes, verify_xbrl
    from chainshock.graph.snapshot import read_snapshot

    snap = read_snapshot(snapshot_dir())
    tables = {name: getattr(snap, name) for name in ("nodes", "edges", "evidence", "facts", "sources")}
    built = str(snap.manifest.get("built_at") or "")[:10]
    today = dt.date.fromisoformat(built) if built else dt.date.today()
    result = audit_tables(tables, today=today)
    checked, failures = 0, list[dict[str, str]]()
    xbrl_checked, xbrl_failures = 0, list[dict[str, str]]()
    if filings is not None:
        if not filings.is_dir():
            raise ChainshockError(f"--filings {filings} is not a directory")
        accessions = {a for a in snap.sources["accession"].dropna()}
        checked, failures = verify_quotes(tables, local_filing_texts(filings, accessions))
        xbrl_checked, xbrl_failures = verify_xbrl(tables, local_companyfacts(filings))
    summary = result.summary()
    doc: dict[str, Any] = {
        "summary": summary,
        "quotes": {"checked": checked, "not_found": failures} if filings is not None else None,
        "xbrl": {"checked": xbrl_checked, "not_found": xbrl_failures} if filings is not None else None,
        "edges": [a.as_dict() for a in result.edges if show_all or a.status != "proven" or a.problems],
        "facts": [a.as_dict() for a in result.facts if show_all or a.problems],
        "warnings": result.warnings,
    }
    failures = failures + [{"subject": f["subject"], "source_id": "", "accession": "xbrl", "quote": f["locator"]} for f in xbrl_failures]
    failed = bool(result.unsupported or failures or any(a.problems for a in result.edges))
    if json_out:
        emit_json(doc)
    else:
        _print(doc, result, checked, failures, filings is not None)
    if strict and failed:
        raise typer.Exit(1)


def _print(doc: dict[str, Any], result: Any, checked: int, failures: list[dict[str, str]], verified: bool) -> None:
    summary = doc["summary"]
    table = Table(title="edges by type", title_justify="left")
    for col in ("type", "proven", "inferred", "unsupported", "total", "proven %"):
        table.add_column(col, justify="right" if col != "type" else "left")
    for etype, row in summary["edges"].items():
        pct = f"{row['proven'] / row['total']:.0%}" if row["total"] else "-"
        table.add_row(etype, str(row["proven"]), str(row["inferred"]), str(row["unsupported"]), str(row["total"]), pct)
    out.print(table)
    grades = Table(title="grades (best citation of each)", title_justify="left")
    grades.add_column("")
    for g in summary["edge_grades"]:
        grades.add_column(g, justify="right")
    for key, label in (("edge_grades", "edges"), ("fact_grades", "facts"), ("evidence_grades", "citations")):
        grades.add_row(label, *(str(v) for v in summary[key].values()))
    out.print(grades)
    listed = [a for a in doc["edges"] if a["status"] != "proven" or a["problems"]]
    if listed:
        rows = Table(title="edges not proven by a quote", title_justify="left")
        for col in ("status", "edge", "why / basis"):
            rows.add_column(col, overflow="fold")
        for a in listed:
            rows.add_row(a["status"], Text(a["id"]), Text("; ".join(a["problems"]) or (a["basis"] or "")))
        out.print(rows)
    for f in doc["facts"]:
        if f["problems"]:
            out.print(f"fact {f['id']}: {'; '.join(f['problems'])}", markup=False, emoji=False)
    if verified:
        xbrl = doc["xbrl"] or {}
        out.print(
            f"local-filing quotes checked verbatim: {checked}; XBRL citations checked against companyfacts: "
            f"{xbrl.get('checked', 0)}; not found: {len(failures)}"
        )
        for f in failures:
            out.print(f"  not found in {f['accession']} ({f['subject']}): “{f['quote'][:120]}”", markup=False, emoji=False)
    if doc["warnings"]:
        out.print(f"warnings ({len(doc['warnings'])}):")
        for w in doc["warnings"]:
            out.print(f"  {w}", markup=False, emoji=False)


def register(app: typer.Typer) -> None:
    app.command("audit")(audit)
