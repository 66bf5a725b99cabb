"""The Python API for notebooks: the graph, companies and shocks as DataFrames.

::

    import chainshock

    g = chainshock.open()                      # finds the graph and says where
    nvda = g.company("NVDA")
    nvda.facts, nvda.suppliers, nvda.customers # DataFrames with typed columns
    s = g.shock("memory-squeeze")              # a shipped scenario, a YAML path, or {"hbm": 30}
    s.prices, s.indexes, s.paths               # DataFrames
    s.compare(g.shock("contract-cliff"))       # side by side
    s.report("report.html"); s.view()          # the impact report; the graph view inline in Jupyter
    g.cypher("MATCH (c:Company) RETURN c.name AS name LIMIT 3")
    g.to_networkx()

The CLI wraps the same objects: ``chainshock shock``, ``compare`` and the
``--csv/--parquet/--xlsx`` exports read the tables built here (via
:mod:`chainshock.queries.frames`), so a notebook and a command agree.

Where the graph is found (:func:`find_home`): ``home=`` if given, else
``$CHAINSHOCK_HOME``, else the nearest ``.chainshock/`` holding a graph in
the working folder or a folder above it, else the user data folder
(``platformdirs.user_data_dir("chainshock")``). ``open(build=True)`` builds
the bundled dataset there when no graph exists yet.

Heavy libraries (pandas, pyarrow, ladybug, neo4j) load inside the methods
that need them, so ``import chainshock`` stays fast.
"""

from __future__ import annotations

import html
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chainshock.errors import ChainshockError, SnapshotError

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd

    from chainshock.graph.snapshot import Snapshot
    from chainshock.queries.compare import Comparison
    from chainshock.queries.result import ShockResult

__all__ = [
    "Company",
    "Graph",
    "Shock",
    "ShockComparison",
    "View",
    "export_tables",
    "find_home",
    "open",
]

_builtin_open = open


class ExportError(ChainshockError):
    """An export path cannot be written or has an unknown extension."""


# --------------------------------------------------------------------------- finding the graph


def find_home(home: str | os.PathLike[str] | None = None, cwd: Path | None = None) -> tuple[Path, str]:
    """The chainshock home to use and why (``(path, how_it_was_found)``).

    ``home`` may be a home folder or a snapshot folder (one holding
    ``manifest.json``); the snapshot is always ``<home>/graph``.

    Examples
    --------
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> (root / ".chainshock" / "graph").mkdir(parents=True)
    >>> _ = (root / ".chainshock" / "graph" / "manifest.json").write_text("{}")
    >>> (root / "notebooks").mkdir()
    >>> env = os.environ.pop("CHAINSHOCK_HOME", None)
    >>> path, how = find_home(cwd=root / "notebooks")
    >>> path == root / ".chainshock", how
    (True, 'the nearest .chainshock/ above the working folder')
    >>> if env is not None: os.environ["CHAINSHOCK_HOME"] = env
    """
    if home is not None:
        path = Path(home).expanduser().resolve()
        if (path / "manifest.json").is_file() and path.name == "graph":
            path = path.parent
        return path, "given"
    env = os.environ.get("CHAINSHOCK_HOME")
    if env:
        return Path(env).expanduser().resolve(), "$CHAINSHOCK_HOME"
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / ".chainshock" / "graph" / "manifest.json").is_file():
            how = "./.chainshock" if folder == here else "the nearest .chainshock/ above the working folder"
            return folder / ".chainshock", how
    import platformdirs

    return Path(platformdirs.user_data_dir("chainshock", appauthor=False)), "the user data folder"


def open(
    home: str | os.PathLike[str] | None = None, *, build: bool = False, quiet: bool = False
) -> Graph:
    """Open the graph (see :func:`find_home` for where it is looked for).

    Parameters
    ----------
    home : path, optional
        A chainshock home (holding ``graph/``) or a snapshot folder.
    build : bool
        When no graph is there yet, build the bundled, cited dataset there
        (about a second) instead of raising.
    quiet : bool
        Do not print where the graph was found (one line on stderr).

    Raises
    ------
    SnapshotError
        No graph at the chosen place; the message names it and the fix.
    """
    from chainshock.graph.snapshot import read_snapshot

    path, how = find_home(home)
    graph_dir = path / "graph"
    if not (graph_dir / "manifest.json").is_file():
        if not build:
            looked = (
                f"{graph_dir} ({how})"
                if how in ("given", "$CHAINSHOCK_HOME")
                else f"$CHAINSHOCK_HOME (unset), .chainshock/ in {Path.cwd()} and above, and {graph_dir}"
            )
            raise SnapshotError(
                f"no chainshock graph found; looked in {looked}. Run `chainshock build` in your project "
                "folder, or chainshock.open(build=True) to build the bundled dataset there"
            )
        from chainshock.build import build as run_build
        from chainshock.data import data_dir

        run_build(graph_dir, data_dir())
    snapshot = read_snapshot(graph_dir)
    g = Graph(snapshot=snapshot, home=path, found=how)
    if not quiet:
        print(f"chainshock: graph {snapshot.content_hash[:12]} at {graph_dir} ({how})", file=sys.stderr)
    return g


# --------------------------------------------------------------------------- small helpers


def _fmt_pct(x: float | None) -> str:
    return "" if x is None or x != x else f"{x * 100:+.2f}%"


def _fmt_usd(x: float | None) -> str:
    if x is None or x != x:
        return ""
    a, sign = abs(x), "-" if x < 0 else ""
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
        if a >= scale:
            return f"{sign}${a / scale:.3g}{suffix}"
    return f"{sign}${a:,.0f}"


def _html_table(rows: list[list[str]], header: list[str]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _sources_by_id(snapshot: Snapshot) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in snapshot.sources.to_dict("records")}


def _first_evidence(snapshot: Snapshot) -> dict[str, dict[str, Any]]:
    """subject id -> its first evidence row (sorted by source id), plus the count."""
    first: dict[str, dict[str, Any]] = {}
    for row in snapshot.evidence.sort_values(["subject_id", "source_id"], kind="mergesort").to_dict("records"):
        if row["subject_id"] in first:
            first[row["subject_id"]]["evidence_count"] += 1
        else:
            first[row["subject_id"]] = {**row, "evidence_count": 1}
    return first


# --------------------------------------------------------------------------- exports


def _plain_cells(df: pd.DataFrame) -> pd.DataFrame:
    """Lists, dicts and dates in object columns as text (CSV, Excel and Parquet take them then)."""
    import json

    def cell(v: Any) -> Any:
        if hasattr(v, "tolist") and not isinstance(v, str | int | float):  # numpy arrays
            v = v.tolist()
        if isinstance(v, list | dict | tuple):
            return json.dumps(v, default=str, ensure_ascii=False)
        return v

    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = [cell(v) for v in out[col]]
    return out


_EXPORT_SUFFIXES = (".csv", ".parquet", ".xlsx")


def export_tables(tables: Mapping[str, pd.DataFrame], path: str | os.PathLike[str]) -> list[Path]:
    """Write ``tables`` to ``path``; the format follows its extension.

    ``.xlsx``: one workbook, a sheet per table. ``.csv`` and ``.parquet``:
    the first table at ``path``, each other one beside it as
    ``<stem>-<table>.<ext>``. Every file is written whole or not at all.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    ExportError
        Unknown extension, or the file system refuses (one line: path and reason).
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in _EXPORT_SUFFIXES:
        raise ExportError(f"{target}: use a file ending in .csv, .parquet or .xlsx")
    if target.is_dir():
        raise ExportError(f"{target} is a directory; give a file name")
    names = list(tables)
    written: list[Path] = []
    dest = target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if suffix == ".xlsx":
            tmp = target.with_name(f".{target.name}.tmp")
            import pandas as pd

            with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
                for name in names:
                    frame = _plain_cells(tables[name])
                    frame.to_excel(xl, sheet_name=name[:31], index=False)
            tmp.replace(target)
            return [target]
        for k, name in enumerate(names):
            dest = target if k == 0 else target.with_name(f"{target.stem}-{name}{suffix}")
            tmp = dest.with_name(f".{dest.name}.tmp")
            frame = tables[name]
            if suffix == ".csv":
                _plain_cells(frame).to_csv(tmp, index=False)
            else:
                try:
                    frame.to_parquet(tmp, index=False)
                except Exception:  # mixed types in an object column: store them as text
                    _plain_cells(frame).astype({c: "string" for c in frame.columns if frame[c].dtype == object}).to_parquet(
                        tmp, index=False
                    )
            tmp.replace(dest)
            written.append(dest)
    except OSError as e:
        raise ExportError(f"cannot write {dest}: {e.strerror or e}") from None
    return written


# --------------------------------------------------------------------------- the view


@dataclass
class View:
    """The interactive graph view: shown inline in Jupyter, or saved as one offline HTML file."""

    html: str
    title: str
    nodes: int
    edges: int
    height: int = 720

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the page (one self-contained file) and return its path."""
        from chainshock.viz.files import write_text_atomic

        try:
            return write_text_atomic(path, self.html)
        except OSError as e:
            raise ExportError(f"cannot write {path}: {e.strerror or e}") from None

    def _repr_html_(self) -> str:
        doc = html.escape(self.html, quote=True)
        return (
            f'<iframe srcdoc="{doc}" style="width:100%;height:{self.height}px;border:1px solid #ddd" '
            f'title="{html.escape(self.title)}" sandbox="allow-scripts allow-popups"></iframe>'
        )

    def __repr__(self) -> str:
        return f"<View {self.title!r}: {self.nodes} nodes, {self.edges} edges; .save(path) writes it>"


# --------------------------------------------------------------------------- a company


@dataclass
class Company:
    """One company: its facts, suppliers and customers as DataFrames.

    ``facts``: metric, fiscal_year, fiscal_period, period_start/period_end
    (datetimes), value, unit, and the source (source_id, accession, url,
    locator, quote). ``suppliers`` / ``customers``: one row per SUPPLIES
    edge, the other party and product, the edge's properties as typed
    columns (estimates as ``x``, ``x_low``, ``x_high``, ``x_basis``) and its
    first evidence. ``inputs``: the products it USES, with cost shares.
    """

    id: str
    name: str
    roles: list[str]
    ticker: str | None
    cik: str | None
    properties: dict[str, Any]
    _snapshot: Snapshot = field(repr=False)

    def __repr__(self) -> str:
        return f"<Company {self.name} ({self.id}) {', '.join(self.roles)}>"

    def _repr_html_(self) -> str:
        n_f, n_s, n_c = len(self.facts), len(self.suppliers), len(self.customers)
        return (
            f"<b>{html.escape(self.name)}</b> <code>{html.escape(self.id)}</code> — "
            f"{html.escape(', '.join(self.roles))}; ticker {html.escape(self.ticker or '–')}, "
            f"CIK {html.escape(self.cik or '–')}<br>{n_f} facts, {n_s} supplier edges, {n_c} customer edges "
            "(<code>.facts</code>, <code>.suppliers</code>, <code>.customers</code>, <code>.inputs</code>)"
        )

    @property
    def facts(self) -> pd.DataFrame:
        import pandas as pd

        from chainshock.graph.records import decode_estimate
        from chainshock.queries.frames import flatten, frame

        snap = self._snapshot
        sources = _sources_by_id(snap)
        first = _first_evidence(snap)
        rows = []
        for f in snap.facts[snap.facts["company"] == self.id].to_dict("records"):
            src = sources.get(f["source_id"], {})
            ev = first.get(f["id"], {})
            row = {
                "metric": f["metric"], "fiscal_year": f["fiscal_year"], "fiscal_period": f["fiscal_period"],
                "period_start": f["period_start"], "period_end": f["period_end"], "value": f["value"],
                "unit": f["unit"], "concept": f["concept"], "source_id": f["source_id"],
                "accession": src.get("accession"), "url": src.get("url"), "form": src.get("form"),
                "locator": ev.get("locator"), "quote": ev.get("quote"), "fact_id": f["id"],
            }
            estimate = decode_estimate(f["estimate"], f"{f['id']}: estimate")
            if estimate is not None:  # an estimated fact: its range and basis as columns
                est = flatten({"estimate": estimate.model_dump(mode="json")})
                row.update({k: v for k, v in est.items() if k != "estimate"})
            rows.append(row)
        df = frame(rows, None if rows else ["metric", "fiscal_year", "fiscal_period", "period_start",
                                            "period_end", "value", "unit", "source_id"])
        for col in ("period_start", "period_end"):
            df[col] = pd.to_datetime(df[col])
        if len(df):
            df["fiscal_year"] = df["fiscal_year"].astype("Int64")
            df = df.sort_values(["metric", "period_end", "fiscal_period"], kind="mergesort").reset_index(drop=True)
        return df

    def _edges(self, side: str) -> pd.DataFrame:
        from chainshock.queries.frames import flatten, frame

        snap = self._snapshot
        e = snap.edges[snap.edges["type"] == "SUPPLIES"]
        mine = e[e["target"] == self.id] if side == "suppliers" else e[e["source"] == self.id]
        other_col = "source" if side == "suppliers" else "target"
        who = "supplier" if side == "suppliers" else "customer"
        names = dict(zip(snap.nodes["id"], snap.nodes["name"], strict=True))
        sources = _sources_by_id(snap)
        first = _first_evidence(snap)
        rows = []
        for r in mine.to_dict("records"):
            props = flatten(r["properties"])
            product = props.pop("product", None) or r.get("product")
            ev = first.get(r["id"], {})
            src = sources.get(ev.get("source_id", ""), {})
            rows.append({
                who: r[other_col], f"{who}_name": names.get(r[other_col]), "product": product,
                "product_name": names.get(product) if product else None, **props,
                "evidence_count": ev.get("evidence_count", 0), "source_id": ev.get("source_id"),
                "accession": src.get("accession"), "url": src.get("url"), "quote": ev.get("quote"),
                "as_of": ev.get("as_of"), "edge": r["id"],
            })
        if not rows:
            return frame([], [who, f"{who}_name", "product", "product_name", "edge"])
        return frame(rows).sort_values([who, "product"], kind="mergesort", na_position="last").reset_index(drop=True)

    @property
    def suppliers(self) -> pd.DataFrame:
        return self._edges("suppliers")

    @property
    def customers(self) -> pd.DataFrame:
        return self._edges("customers")

    @property
    def inputs(self) -> pd.DataFrame:
        """Products it uses (USES edges), with cost shares as typed columns."""
        from chainshock.queries.frames import flatten, frame

        snap = self._snapshot
        e = snap.edges[(snap.edges["type"] == "USES") & (snap.edges["source"] == self.id)]
        names = dict(zip(snap.nodes["id"], snap.nodes["name"], strict=True))
        rows = [{"product": r["target"], "product_name": names.get(r["target"]), **flatten(r["properties"]),
                 "edge": r["id"]} for r in e.to_dict("records")]
        return frame(rows, None if rows else ["product", "product_name", "edge"])


# --------------------------------------------------------------------------- shocks


@dataclass
class ShockComparison:
    """Two shocks side by side: ``.prices`` and ``.indexes`` with columns ``a``, ``b``, ``delta``."""

    comparison: Comparison

    @property
    def prices(self) -> pd.DataFrame:
        from chainshock.queries.frames import comparison_tables

        return comparison_tables(self.comparison)["prices"]

    @property
    def indexes(self) -> pd.DataFrame:
        from chainshock.queries.frames import comparison_tables

        return comparison_tables(self.comparison)["indexes"]

    @property
    def notes(self) -> list[str]:
        return list(self.comparison.notes)

    def __repr__(self) -> str:
        c = self.comparison
        top = [r for r in c.prices if r.delta is not None][:3]
        moved = ", ".join(f"{r.name} {(r.delta or 0.0) * 100:+.2f} pp" for r in top)
        return f"<ShockComparison {c.a!r} → {c.b!r}: largest differences (b − a) {moved or 'none'}>"

    def _repr_html_(self) -> str:
        c = self.comparison
        rows = [[r.name, _fmt_pct(r.a), _fmt_pct(r.b), _fmt_pct(r.delta)] for r in c.prices[:10]]
        ix = [[f"{r.name} ({r.weighting})", _fmt_pct(r.a), _fmt_pct(r.b), _fmt_pct(r.delta)] for r in c.indexes]
        return (
            f"<b>{html.escape(c.a)}</b> (a) vs <b>{html.escape(c.b)}</b> (b)"
            + _html_table(rows, ["node", "a", "b", "b − a"])
            + (_html_table(ix, ["index", "a", "b", "b − a"]) if ix else "")
            + "".join(f"<p><i>{html.escape(n)}</i></p>" for n in c.notes)
        )


@dataclass
class Shock:
    """A shock's result: DataFrames, a comparison, the report and the view.

    ``result`` is the typed document ``chainshock shock --json`` prints.
    """

    result: ShockResult
    _snapshot: Snapshot = field(repr=False)

    @property
    def name(self) -> str:
        return self.result.scenario.name

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table: prices, quarters, paths, indexes, ledger and balance (when the engine provides them)."""
        from chainshock.queries.frames import shock_tables

        return shock_tables(self.result)

    @property
    def prices(self) -> pd.DataFrame:
        """One row per moved node: price change at the end of the horizon (fraction), P5/P50/P95, margins."""
        return self.tables["prices"]

    @property
    def quarters(self) -> pd.DataFrame:
        """The quarterly path: one row per node and quarter."""
        return self.tables["quarters"]

    @property
    def paths(self) -> pd.DataFrame:
        """The walks that carry the shock to each node, and the share of its change each carries."""
        return self.tables["paths"]

    @property
    def indexes(self) -> pd.DataFrame:
        return self.tables["indexes"]

    @property
    def ledger(self) -> pd.DataFrame:
        """Δ revenue, Δ cost and Δ operating income (USD) per node and quarter.

        Raises
        ------
        ChainshockError
            When the installed engine does not compute a ledger yet.
        """
        from chainshock.queries.frames import ledger_frame

        df = ledger_frame(self.result)
        if df is None:
            raise ChainshockError(
                "this version's shock engine computes no dollar ledger yet (Δ revenue, cost and operating "
                "income per company and quarter); use .prices (margin_hit_usd) meanwhile"
            )
        return df

    def compare(self, other: Shock) -> ShockComparison:
        """This shock (a) against ``other`` (b): price and index changes side by side."""
        from chainshock.queries.compare import compare_results

        return ShockComparison(compare_results(self.result, other.result))

    def report(self, path: str | os.PathLike[str]) -> Path:
        """Write the impact report (``.html``, ``.md`` or ``.json``, by extension); returns the path."""
        from chainshock.viz.report import build_report, write_report

        target = Path(path)
        formats = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md", ".json": "json"}
        fmt: Any = formats.get(target.suffix.lower())
        if fmt is None:
            raise ExportError(f"{target}: use a file ending in .html, .md or .json")
        doc = build_report(self.result, self._snapshot)
        try:
            return write_report(doc, target, fmt)
        except OSError as e:
            raise ExportError(f"cannot write {e.filename or target}: {e.strerror or e}") from None

    def view(self, *, focus: str | None = None, hops: int = 2, height: int = 720) -> View:
        """The graph view under this shock; displays inline in Jupyter (``.save(path)`` writes it)."""
        from chainshock.graph.lookup import resolve_node
        from chainshock.viz.view import build_view
        from chainshock.viz.view_html import render_view

        focus_id = resolve_node(self._snapshot, focus) if focus else None
        title = f"chainshock: AI supply chain under “{self.name}”"
        gv = build_view(self._snapshot, focus=focus_id, hops=hops, result=self.result, title=title)
        return View(html=render_view(gv), title=title, nodes=len(gv.nodes), edges=len(gv.edges), height=height)

    def export(self, path: str | os.PathLike[str]) -> list[Path]:
        """Write every table to ``path`` (``.csv``, ``.parquet`` or ``.xlsx``); see :func:`export_tables`."""
        return export_tables(self.tables, path)

    def to_json(self) -> str:
        """The document ``chainshock shock --json`` prints."""
        return self.result.model_dump_json(indent=2)

    def _top(self, n: int) -> list[Any]:
        shocked = {s.node for s in self.result.scenario.shocks}
        # a producer's row shows its shocked products' price (price_basis "products"): not a propagated move
        moved = [i for i in self.result.impacts if i.node not in shocked and i.price_basis == "own"]
        return sorted(moved, key=lambda i: -abs(i.price_change))[:n]

    def __repr__(self) -> str:
        sc = self.result.scenario
        span = f"{sc.quarters[0]}–{sc.quarters[-1]}" if sc.quarters else ""
        top = ", ".join(f"{i.name.split(' (')[0]} {_fmt_pct(i.price_change)}" for i in self._top(3))
        return (
            f"<Shock {sc.name!r} {span}: {len(self.result.impacts)} nodes move; top {top}; "
            ".prices .indexes .paths .quarters>"
        )

    def _repr_html_(self) -> str:
        sc = self.result.scenario
        shocks = ", ".join(f"{s.name} {_fmt_pct(s.pct)}" for s in sc.shocks) or "capex only"
        span = f"{sc.quarters[0]}–{sc.quarters[-1]}" if sc.quarters else ""
        draws = f"{sc.draws} draws, seed {sc.seed}" if sc.draws else "base values only"
        rows = [
            [i.name, i.tier, _fmt_pct(i.price_change), _fmt_pct(i.p5), _fmt_pct(i.p95), _fmt_usd(i.margin_hit_usd)]
            for i in self._top(8)
        ]
        ix = [[f"{x.name} ({x.weighting})", _fmt_pct(x.change), f"{x.coverage * 100:.0f}%"] for x in self.result.indexes]
        return (
            f"<b>{html.escape(sc.name)}</b>: {html.escape(shocks)}; {span}; {draws}"
            + _html_table(rows, ["most moved", "tier", sc.quarters[-1] if sc.quarters else "change", "P5", "P95", "margin/yr"])
            + (_html_table(ix, ["index", "change", "coverage"]) if ix else "")
            + "<small>.prices · .quarters · .paths · .indexes · .report(path) · .view()</small>"
        )


# --------------------------------------------------------------------------- the graph


_NODE_PARAMS = {
    "company": ["Company"], "hyperscaler": ["Company"], "producer": ["Company"], "segment": ["Company"],
    "product": ["Product"], "index_id": ["Index"],
}


@dataclass
class Graph:
    """An opened graph: companies, shocks, Cypher and networkx over one snapshot."""

    snapshot: Snapshot
    home: Path
    found: str = "given"

    def __repr__(self) -> str:
        s = self.snapshot
        return (
            f"<chainshock graph {s.content_hash[:12]} at {self.home / 'graph'} ({self.found}): "
            f"{len(s.nodes):,} nodes, {len(s.edges):,} edges, {len(s.facts):,} facts, {len(s.sources):,} sources>"
        )

    def _repr_html_(self) -> str:
        from collections import Counter

        s = self.snapshot
        labels = ", ".join(f"{k} {v:,}" for k, v in sorted(Counter(s.nodes["label"]).items()))
        return (
            f"<b>chainshock graph</b> <code>{html.escape(s.content_hash[:12])}</code> at "
            f"<code>{html.escape(str(self.home / 'graph'))}</code> ({html.escape(self.found)})<br>"
            f"nodes {len(s.nodes):,}: {html.escape(labels)}; edges {len(s.edges):,}; facts {len(s.facts):,}"
        )

    def resolve(self, text: str, labels: list[str] | None = None) -> str:
        """The id a name, ticker, CIK or id names (raises NotFoundError with suggestions)."""
        from chainshock.graph.lookup import resolve_node

        return resolve_node(self.snapshot, text, labels)

    def company(self, ref: str) -> Company:
        """A company by id, ticker (``NVDA``, ``000660.KS``), CIK or name."""
        node_id = self.resolve(ref, ["Company"])
        row = self.snapshot.nodes[self.snapshot.nodes["id"] == node_id].iloc[0]
        from chainshock.queries.frames import flatten

        return Company(
            id=node_id, name=row["name"], roles=list(row["roles"]),
            ticker=row["ticker"] if isinstance(row["ticker"], str) else None,
            cik=row["cik"] if isinstance(row["cik"], str) else None,
            properties=flatten(row["properties"]), _snapshot=self.snapshot,
        )

    def companies(self, role: str | None = None, query: str | None = None) -> pd.DataFrame:
        """Companies (id, name, ticker, cik, roles, country), optionally one role or matching ``query``."""
        from chainshock.queries.frames import frame

        rows = _company_rows(self.snapshot, role, query)
        return frame(rows, ["id", "name", "ticker", "cik", "roles", "country"])

    @property
    def nodes(self) -> pd.DataFrame:
        """Every node with its properties as typed columns."""
        from chainshock.queries.frames import flatten, frame

        rows = [{"id": r["id"], "label": r["label"], "name": r["name"], "roles": list(r["roles"]),
                 "ticker": r["ticker"], "cik": r["cik"], **flatten(r["properties"])}
                for r in self.snapshot.nodes.to_dict("records")]
        return frame(rows)

    @property
    def edges(self) -> pd.DataFrame:
        """Every edge with its properties as typed columns."""
        from chainshock.queries.frames import flatten, frame

        rows = [{"id": r["id"], "type": r["type"], "source": r["source"], "target": r["target"],
                 **{k: v for k, v in flatten(r["properties"]).items() if k not in ("id", "type", "source", "target")}}
                for r in self.snapshot.edges.to_dict("records")]
        return frame(rows)

    def scenarios(self) -> pd.DataFrame:
        """The shipped scenarios, runnable by name with :meth:`shock`."""
        from chainshock.queries.catalog import catalog
        from chainshock.queries.frames import frame

        return frame([{**e.__dict__, "shocks": ", ".join(e.shocks)} for e in catalog()])

    def shock(
        self,
        scenario: str | os.PathLike[str] | Mapping[str, float],
        *,
        draws: int | None = None,
        seed: int | None = None,
        top_k: int | None = None,
        horizon: int | None = None,
        start: str | None = None,
    ) -> Shock:
        """Run a shock: a shipped scenario's name, a scenario YAML path, or ``{node: percent}``.

        ``{"hbm": 30, "dram": 20}`` shocks HBM +30% and DRAM +20% (nodes by id,
        ticker or name). The keywords override the scenario's settings, as
        the CLI's ``--draws``, ``--seed``, ``--top``, ``--horizon``, ``--start`` do.
        """
        from chainshock.queries import catalog

        if isinstance(scenario, Mapping):
            result = catalog.run(
                self.snapshot, catalog.inline(scenario), draws=draws, seed=seed, top_k=top_k, horizon=horizon, start=start
            )
        else:
            from chainshock.queries.shock import run_scenario

            path = catalog.locate(Path(scenario))
            result = run_scenario(
                self.snapshot, path, draws=draws, seed=seed, top_k=top_k, horizon=horizon, start=start
            )
        return Shock(result=result, _snapshot=self.snapshot)

    def sweep(
        self,
        spec: str,
        scenario: str | os.PathLike[str] | Mapping[str, float] | None = None,
        **overrides: Any,
    ) -> pd.DataFrame:
        """Run once per value of ``spec`` (``"hbm=10:50:10"``: percent), the rest of ``scenario`` held.

        Returns the long table ``chainshock shock --sweep ... --csv`` writes:
        pct, kind (price or index), node, name, change, margin_hit_usd.
        """
        from chainshock.queries import catalog
        from chainshock.queries.frames import sweep_frame
        from chainshock.queries.scenario import scenario_from_shock
        from chainshock.queries.sweep import parse_sweep, sweep

        parsed = parse_sweep(spec)
        if scenario is None:
            base = scenario_from_shock(parsed.node, parsed.values[0]).model_copy(update={"name": f"{parsed.node} sweep"})
        elif isinstance(scenario, Mapping):
            base = catalog.inline(scenario)
        else:
            base = catalog.load(Path(scenario))[0]
        return sweep_frame(sweep(self.snapshot, base, parsed, **overrides))

    def paths(self, source: str, target: str, *, max_hops: int = 4, limit: int = 5) -> pd.DataFrame:
        """Supply paths (one row per hop, with its first evidence), shortest first."""
        from chainshock.queries.frames import frame
        from chainshock.queries.paths import supply_paths

        labels = ["Company", "Product"]
        res = supply_paths(self.snapshot, self.resolve(source, labels), self.resolve(target, labels), max_hops, limit)
        rows = []
        for k, p in enumerate(res.paths, 1):
            for h, hop in enumerate(p.edges, 1):
                ev = hop.evidence[0] if hop.evidence else {}
                rows.append({"path": k, "hop": h, "type": hop.type, "source": hop.source, "target": hop.target,
                             "route": " → ".join(p.names), "source_id": ev.get("source_id"),
                             "quote": ev.get("quote"), "url": ev.get("url"), "accession": ev.get("accession")})
        return frame(rows, ["path", "hop", "type", "source", "target", "route", "source_id", "quote", "url", "accession"])

    def cypher(
        self,
        query: str,
        params: Mapping[str, Any] | None = None,
        *,
        engine: str = "embedded",
        **kwparams: Any,
    ) -> pd.DataFrame:
        """Run Cypher read-only and return the rows as a DataFrame.

        ``query`` is Cypher text or the name of a library query
        (``chainshock cypher --list``); parameters come as keywords or
        ``params=``, and are always sent as parameters. For library queries a
        node parameter (``company=...``) takes an id, ticker or name.
        ``engine="neo4j"`` uses ``NEO4J_URI``/``NEO4J_USER``/``NEO4J_PASSWORD``.
        """
        from chainshock.engines import open_engine
        from chainshock.engines.library import load_library
        from chainshock.queries.frames import frame

        if engine not in ("embedded", "neo4j"):
            raise ChainshockError(f"engine={engine!r}: use 'embedded' or 'neo4j'")
        given = {**dict(params or {}), **kwparams}
        library = load_library()
        text = query
        if query.strip() in library:
            lib = library[query.strip()]
            given = lib.bind({k: str(v) if not isinstance(v, str) else v for k, v in given.items()})
            text = lib.text("neo4j" if engine == "neo4j" else "embedded", given)
            for key, labels in _NODE_PARAMS.items():
                if isinstance(given.get(key), str):
                    given[key] = self.resolve(given[key], labels)
        with open_engine(engine, snapshot_path=self.home / "graph", folder=self.home / "cypher") as opened:
            result = opened.run(text, given)
        return frame(result.records(), list(result.columns))

    def to_networkx(self, with_evidence: bool = False) -> nx.MultiDiGraph:
        """The whole graph as a networkx MultiDiGraph (edge key = edge id, properties as attributes)."""
        from chainshock.graph.project import to_networkx

        return to_networkx(self.snapshot, with_evidence=with_evidence)


def _company_rows(snapshot: Snapshot, role: str | None, query: str | None) -> list[dict[str, Any]]:
    """Companies as plain rows, filtered by role and by a case-insensitive substring of id, name, ticker or alias."""
    from chainshock.graph.names import lookup_key

    q = (query or "").strip().lower()
    qn = lookup_key(query) if query else ""
    rows = []
    for node in snapshot.node_records().values():
        if node.label != "Company" or (role is not None and role not in node.roles):
            continue
        if q:
            keys = [node.id, node.name, node.ticker or "", node.cik or "", *node.aliases]
            if not any(q in str(k).lower() or (qn and qn in lookup_key(str(k))) for k in keys):
                continue
        country = node.get("country")
        rows.append({
            "id": node.id, "name": node.name, "ticker": node.ticker, "cik": node.cik, "roles": ", ".join(node.roles),
            "country": country.split(":", 1)[-1].upper() if isinstance(country, str) else None,
        })
    return sorted(rows, key=lambda x: x["name"].lower())
