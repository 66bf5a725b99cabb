"""What the API hands back: a company, a shock's result, a comparison of two, and the graph view."""

from __future__ import annotations

import html
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chainshock.errors import ChainshockError

from .tables import (
    ExportError,
    _first_evidence,
    _fmt_pct,
    _fmt_usd,
    _html_table,
    _sources_by_id,
    export_tables,
)

if TYPE_CHECKING:
    import pandas as pd

    from chainshock.graph.snapshot import Snapshot
    from chainshock.queries.compare import Comparison
    from chainshock.queries.result import ShockResult


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
    a: ShockResult | None = None
    b: ShockResult | None = None

    @property
    def outcome(self) -> pd.DataFrame:
        """Who gains and who pays in USD, side by side: node, name, kind, a_usd, b_usd, delta_usd, role."""
        import pandas as pd

        cols = ["node", "name", "kind", "a_usd", "b_usd", "delta_usd", "role"]
        if self.a is None or self.b is None:
            return pd.DataFrame(columns=cols)
        sec = self._section()
        rows = [{**r.model_dump(), "role": role} for role, rs in (("gains", sec.winners), ("pays", sec.payers)) for r in rs]
        return pd.DataFrame(rows, columns=cols).astype({"a_usd": "Float64", "b_usd": "Float64", "delta_usd": "Float64"})

    def _section(self) -> Any:
        from chainshock.viz.compare_report import build_comparison

        if self.a is None or self.b is None:
            raise ExportError("this comparison holds no results; make it with shock_a.compare(shock_b)")
        return build_comparison(self.a, self.b, self.comparison)

    def report(self, path: str | os.PathLike[str]) -> Path:
        """Write the comparison report (``.html``, ``.md`` or ``.json``), as ``chainshock compare A B --report`` does."""
        from chainshock.viz.compare_report import write_comparison

        target = Path(path)
        fmt = {".html": "html", ".htm": "html", ".md": "md", ".json": "json"}.get(target.suffix.lower())
        if fmt is None:
            raise ExportError(f"{target}: use a file ending in .html, .md or .json")
        try:
            return write_comparison(self._section(), target, fmt)  # type: ignore[arg-type]
        except OSError as e:
            raise ExportError(f"cannot write {e.filename or target}: {e.strerror or e}") from None

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
        """This shock (a) against ``other`` (b): prices, indexes and who gains and pays (USD) side by side."""
        from chainshock.queries.compare import compare_results

        return ShockComparison(compare_results(self.result, other.result), a=self.result, b=other.result)

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
