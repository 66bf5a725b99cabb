"""Impact reports: HTML (one self-contained file), Markdown and JSON.

:func:`build_report` is pure: a :class:`~chainshock.queries.result.ShockResult`
and the snapshot it ran on in, a :class:`~chainshock.viz.report_model.Report`
out (executive summary, price change by tier, margins, capex by bucket, the
sources behind every number). :func:`render` turns it into text in one of
three formats; :func:`write_report` writes it atomically (both in
:mod:`chainshock.viz.report_render`, the numbered sources in
:mod:`chainshock.viz.report_sources`; re-exported here).

Everything shown comes from documents nobody here controls. HTML goes
through Jinja's autoescape and SVG charts escape their own text; Markdown
escapes HTML and Markdown syntax (:func:`md_text`); links are emitted only
for ``http(s)`` URLs.

Examples
--------
>>> from chainshock.queries.result import Impact, ScenarioInfo, ShockResult, ShockSpec
>>> r = ShockResult(
...     scenario=ScenarioInfo(name="demo", shocks=[ShockSpec(node="product:hbm", name="HBM",
...         label="Product", pct=30, start_quarter="2026Q1")], quarters=["2026Q1"], horizon_quarters=1),
...     impacts=[Impact(node="product:hbm", name="HBM", label="Product", tier="memory", price_change=0.3)])
>>> rep = build_report(r)
>>> rep.summary[0]
'Shock: HBM +30.0% from 2026Q1, over 1 quarter (2026Q1–2026Q1).'
>>> "| HBM |" in render(rep, "md")
True
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from chainshock.graph.schema import TIERS

from .charts import pct, usd
from .outcome import outcome as read_outcome
from .outcome import winners_and_payers
from .report_model import (
    CapexBucket,
    ContractCounts,
    MarginRow,
    OutcomeRow,
    Report,
    TierSummary,
)
from .report_render import (
    PATHS_SHOWN,
    Format,
    filters,
    md_text,
    or_dash_pct,
    or_dash_usd,
    pp,
    quarter_span,
    render,
    signed_usd,
    write_report,
)
from .report_sources import Sources
from .story import short_name

if TYPE_CHECKING:
    from chainshock.graph.snapshot import Snapshot
    from chainshock.queries.result import Impact, ShockResult

__all__ = [
    "Format",
    "build_report",
    "contract_counts",
    "filters",
    "md_text",
    "or_dash_pct",
    "or_dash_usd",
    "outcome_rows",
    "pp",
    "quarter_span",
    "render",
    "signed_usd",
    "write_report",
]

_MARGINS_SHOWN = 15
_BUCKET_OF_ROLE = {
    "memory_producer": "memory",
    "chip_designer": "chips",
    "foundry": "chips",
    "packaging": "chips",
    "server_maker": "servers",
    "utility": "utilities",
    "hyperscaler": "cloud",
    "neocloud": "cloud",
}
_BUCKET_OF_CATEGORY = {
    "hbm": "memory",
    "dram": "memory",
    "nand": "memory",
    "gpu_accelerator": "chips",
    "custom_accelerator": "chips",
    "wafer": "chips",
    "advanced_packaging": "chips",
    "ai_server": "servers",
    "power_equipment": "power equipment",
    "cooling": "cooling",
    "construction": "construction",
    "electricity": "utilities",
    "cloud_compute": "cloud",
}
_BUCKET_ORDER = ("chips", "memory", "servers", "power equipment", "cooling", "construction", "utilities", "cloud")


def _q(n: int) -> str:
    return f"{n} quarter" + ("" if n == 1 else "s")


def _band(p5: float | None, p95: float | None, fmt: Any = pct) -> str:
    return f" (P5–P95 {fmt(p5)} to {fmt(p95)})" if p5 is not None and p95 is not None else ""


def _tiers(impacts: list[Impact]) -> list[TierSummary]:
    by_tier: dict[str, list[Impact]] = defaultdict(list)
    for imp in impacts:
        by_tier[imp.tier].append(imp)
    out = []
    for tier in sorted(by_tier, key=lambda t: TIERS.index(t) if t in TIERS else len(TIERS)):
        imps = by_tier[tier]
        top = max(imps, key=lambda i: abs(i.price_change))
        out.append(
            TierSummary(
                tier=tier,
                nodes=len(imps),
                top_node=top.node,
                top_name=top.name,
                price_change=top.price_change,
                p5=top.p5,
                p50=top.p50,
                p95=top.p95,
                mean_price_change=sum(i.price_change for i in imps) / len(imps),
            )
        )
    return out


def _margins(impacts: list[Impact], sources: Sources) -> tuple[list[MarginRow], dict[str, int | None]]:
    rows = [i for i in impacts if i.margin_hit_usd is not None and abs(i.margin_hit_usd) > 0]
    rows.sort(key=lambda i: -abs(i.margin_hit_usd or 0.0))
    out: list[MarginRow] = []
    refs: dict[str, int | None] = {}
    for imp in rows[:_MARGINS_SHOWN]:
        src = imp.cost_base_source
        refs[imp.node] = sources.cite_text(src, f"cost base of {imp.name}")
        out.append(
            MarginRow(
                node=imp.node,
                name=imp.name,
                margin_hit_usd=float(imp.margin_hit_usd or 0.0),
                p5=imp.margin_hit_p5,
                p50=imp.margin_hit_p50,
                p95=imp.margin_hit_p95,
                input_cost_change=imp.input_cost_change,
                pass_through=imp.pass_through,
                pass_through_source=imp.pass_through_source,
                cost_base_usd=imp.cost_base_usd,
                cost_base_source=src,
                estimate=bool(src and "estimate" in src.split(":")[0]),
            )
        )
    return out, refs


def _capex_buckets(result: ShockResult, snapshot: Snapshot | None) -> list[CapexBucket]:
    if result.capex is None:
        return []
    roles: dict[str, list[str]] = {}
    category: dict[str, str] = {}
    makes: dict[str, set[str]] = defaultdict(set)
    if snapshot is not None:
        for row in snapshot.nodes.itertuples(index=False):
            roles[row.id] = list(row.roles) if row.roles is not None else []
            if row.label == "Product":
                category[row.id] = snapshot.node(row.id).category
        for row in snapshot.edges[snapshot.edges["type"] == "PRODUCES"].itertuples(index=False):
            makes[row.source].add(category.get(row.target, ""))

    def bucket(node: str, label: str, tier: str) -> str:
        if label == "Product":
            return _BUCKET_OF_CATEGORY.get(category.get(node, ""), tier)
        # A contractor that also sells equipment is counted where its name
        # puts it: construction before cooling before power equipment.
        for cat in ("construction", "cooling", "power_equipment"):
            if cat in makes.get(node, set()):
                return _BUCKET_OF_CATEGORY[cat]
        for role in roles.get(node, []):
            if role in _BUCKET_OF_ROLE:
                return _BUCKET_OF_ROLE[role]
        return "power equipment" if tier == "industrials" else tier

    companies = [r for r in result.capex.reached if r.label == "Company"]
    reached = companies or list(result.capex.reached)
    acc: dict[str, CapexBucket] = {}
    for r in reached:
        b = bucket(r.node, r.label, r.tier)
        cur = acc.setdefault(b, CapexBucket(bucket=b, revenue_change_usd=0.0, p5=0.0, p95=0.0))
        cur.revenue_change_usd += r.revenue_change_usd
        # Bands of a sum are not sums of bands; summing P5s and P95s gives a
        # conservative (wider) range, labelled as such in the report.
        cur.p5 = None if cur.p5 is None or r.p5 is None else cur.p5 + r.p5
        cur.p95 = None if cur.p95 is None or r.p95 is None else cur.p95 + r.p95
        if r.backlog_usd is not None:
            cur.backlog_usd = (cur.backlog_usd or 0.0) + r.backlog_usd
        cur.nodes.append(r.name)
    order = {b: i for i, b in enumerate(_BUCKET_ORDER)}
    return sorted(acc.values(), key=lambda b: (order.get(b.bucket, len(order)), -b.revenue_change_usd))


def _path_sources(result: ShockResult, snapshot: Snapshot | None, sources: Sources) -> list[list[int]]:
    """For each shown path, the refs of the evidence behind its edges."""
    if snapshot is None:
        return [[] for _ in result.paths[:PATHS_SHOWN]]
    edges = snapshot.edges
    index: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    inferred = {row.id for row in edges.itertuples(index=False) if '"inferred":true' in (row.properties or "")}
    for row in edges.itertuples(index=False):
        index[(row.type, row.source, row.target)].append(row.id)
        if row.type == "USES":  # stored buyer -> product; paths run product -> buyer
            index[(row.type, row.target, row.source)].append(row.id)
    ev = snapshot.evidence
    out: list[list[int]] = []
    for path in result.paths[:PATHS_SHOWN]:
        refs: list[int] = []
        label = dict(zip(path.nodes, path.names, strict=False))
        for e in path.edges:
            ids = list(index.get((e.type, e.source, e.target), []))
            for via in e.via:
                ids += index.get(("SUPPLIES", via, e.target), [])
            for row in ev[ev["subject_id"].isin(ids)].itertuples(index=False):
                kind = f"{e.type}, inferred" if row.subject_id in inferred else e.type
                what = f"{label.get(e.source, e.source)} → {label.get(e.target, e.target)} ({kind})"
                ref = sources.cite(row.source_id, what, row.quote or None)
                if ref not in refs:
                    refs.append(ref)
        out.append(sorted(refs))
    return out


def _quarter_bounds(quarter: str) -> tuple[str, str]:
    """First and last day of ``2026Q3`` as ISO dates."""
    year, q = int(quarter[:4]), int(quarter[-1])
    first = f"{year}-{3 * q - 2:02d}-01"
    last = f"{year}-{3 * q:02d}-{31 if q in (1, 4) else 30}"
    return first, last


def contract_counts(result: ShockResult) -> ContractCounts | None:
    """Fixed-price contracts by when they bind in the horizon, one count per contract.

    A contract shields during the horizon when the run gives it shielded
    quarters; of those, one ending on or before the last day of the horizon
    ends within it, and the rest (later end, or open-ended) run past it.
    A deal that ended before the horizon, or starts after it, shields
    nothing and is counted apart.
    """
    if not result.contracts:
        return None
    quarters = result.scenario.quarters
    horizon_end = _quarter_bounds(quarters[-1])[1] if quarters else None
    by_id: dict[str, list[Any]] = defaultdict(list)
    for c in result.contracts:
        by_id[c.contract].append(c)
    in_force = end_within = run_past = outside = 0
    ends: list[str] = []
    for rows in by_id.values():
        if not any(r.shielded_quarters for r in rows):
            outside += 1
            continue
        in_force += 1
        end = next((r.end for r in rows if r.end), None)
        if end is not None and horizon_end is not None and end <= horizon_end:
            end_within += 1
            ends.append(end)
        else:
            run_past += 1
    return ContractCounts(
        in_force=in_force,
        end_within=end_within,
        run_past=run_past,
        outside_horizon=outside,
        first_end=min(ends) if ends else None,
    )


def outcome_rows(result: ShockResult, k: int = 10) -> tuple[list[OutcomeRow], list[OutcomeRow], str]:
    """The ``k`` largest winners and payers of operating income (from the ledger), and what the sums cover."""
    out = read_outcome(result)
    impacts = {i.node: i for i in result.impacts}

    def row(node: str, value: float) -> OutcomeRow:
        imp = impacts.get(node)
        return OutcomeRow(
            node=node,
            name=out.names.get(node, imp.name if imp else node),
            kind=out.kinds.get(node, "company"),
            operating_income_change_usd=value,
            revenue_change_usd=out.revenue.get(node),
            cost_change_usd=out.cost.get(node),
            p5=getattr(imp, "operating_income_p5", None) if imp else None,
            p95=getattr(imp, "operating_income_p95", None) if imp else None,
            price_change=imp.price_change if imp else None,
        )

    winners, payers = winners_and_payers(out, k=k)
    return [row(n, v) for n, v in winners], [row(n, v) for n, v in payers], out.basis


def _names(rows: list[OutcomeRow], n: int = 3) -> str:
    return ", ".join(f"{short_name(r.name, 40)} {signed_usd(r.operating_income_change_usd)}" for r in rows[:n])


def _summary(
    result: ShockResult,
    winners: list[OutcomeRow],
    payers: list[OutcomeRow],
    basis: str,
    counts: ContractCounts | None,
    buckets: list[CapexBucket],
) -> list[str]:
    """At most six sentences: what, who gains, who pays, how and when, shields, indexes."""
    sc = result.scenario
    span = f"{sc.quarters[0]}–{sc.quarters[-1]}" if sc.quarters else ""
    lines: list[str] = []
    what: list[str] = []
    if sc.shocks:
        starts = {s.start_quarter for s in sc.shocks}
        if len(starts) == 1:
            shocks = ", ".join(f"{short_name(s.name, 40)} {pct(s.fraction)}" for s in sc.shocks) + f" from {sc.shocks[0].start_quarter}"
        else:
            shocks = ", ".join(f"{short_name(s.name, 40)} {pct(s.fraction)} from {s.start_quarter}" for s in sc.shocks)
        what.append(f"Shock: {shocks}, over {_q(sc.horizon_quarters)} ({span})")
    if result.capex is not None:
        cx = result.capex
        what.append(
            f"{'capex' if what else 'Capex'}: hyperscaler spending changes by {usd(cx.total_change_usd)} a year, "
            f"{usd(cx.allocated_usd)} of it with suppliers in the graph"
        )
    if what:
        lines.append("; ".join(what) + ".")
    if winners:
        lines.append(f"Who gains: {_names(winners)} in operating income {basis}.")
    if payers:
        companies = [r for r in payers if r.kind == "company"]
        final = [r for r in payers if r.kind == "consumer_segment"]
        outside = [r for r in payers if r.kind == "outside"]
        parts = []
        if companies:
            parts.append(f"companies {_names(companies)}")
        if final:
            total = sum(r.operating_income_change_usd for r in final)
            parts.append(f"final demand {signed_usd(total)} ({_names(final, 2)})")
        if outside:
            parts.append(f"buyers outside the graph {signed_usd(sum(r.operating_income_change_usd for r in outside))}")
        lines.append(f"Who pays ({basis}): " + "; ".join(parts) + ".")
    shocked = {s.node for s in sc.shocks}
    # a producer showing its products' price (price_basis "products") is upstream of the shock, not downstream
    downstream = [i for i in result.impacts
                  if i.node not in shocked and i.price_change > 0 and i.price_basis == "own"]
    if not payers and downstream:
        # No dollar amounts (the graph holds no flows for them): say who
        # pays in prices, every tier included.
        who = sorted(downstream, key=lambda i: -i.price_change)[:3]
        lines.append(
            "Who pays: prices rise for "
            + ", ".join(f"{short_name(i.name, 40)} {pct(i.price_change)}{_band(i.p5, i.p95)}" for i in who)
            + " (no USD amounts: the graph holds no flows to size them)."
        )
    if downstream:
        lead = max(downstream, key=lambda i: i.price_change)
        lead_paths = sorted((p for p in result.paths if p.target == lead.node), key=lambda p: -p.contribution)
        text = f"How and when: {short_name(lead.name, 40)}'s price rises most downstream, {pct(lead.price_change)}"
        if lead_paths:
            text += f", {lead_paths[0].share:.0%} of it along {' → '.join(short_name(n, 40) for n in lead_paths[0].names)}"
        if lead.path:
            end = lead.path[-1].price_change
            when = next((p.quarter for p in lead.path if end and p.price_change >= 0.95 * end), lead.path[-1].quarter)
            text += f"; it reaches 95% of that by {when}"
        lines.append(text + ".")
    if counts is not None and counts.in_force:
        text = f"Shields: {counts.in_force} fixed-price contract{'s' if counts.in_force != 1 else ''} shield buyers during the horizon"
        if counts.end_within:
            text += f"; {counts.end_within} {'ends' if counts.end_within == 1 else 'end'} within it, the first on {counts.first_end}"
        if counts.run_past:
            text += f"; {counts.run_past} run past {sc.quarters[-1] if sc.quarters else 'the horizon'}"
        lines.append(text + ".")
    if result.indexes:
        # One entry per index: its cap-weighted change, the equal-weighted one beside it.
        grouped: dict[str, dict[str, float]] = {}
        for x in result.indexes:
            grouped.setdefault(_short_index(x.name), {})[x.weighting] = x.change
        parts = []
        for name, ch in grouped.items():
            main = ch.get("cap", next(iter(ch.values())))
            text = f"{name} {pct(main)}"
            if "cap" in ch and "equal" in ch:
                text += f" (equal weight {pct(ch['equal'])})"
            parts.append(text)
        valuation = getattr(result.indexes[0], "valuation", "pe")
        how = "present value of after-tax operating income" if valuation == "pv" else "constant P/E (an upper bound)"
        lines.append(f"Indexes ({how}): " + ", ".join(parts) + ".")
    if len(lines) < 6 and buckets:
        top_b = max(buckets, key=lambda b: b.revenue_change_usd)
        lines.append(f"Where the money goes: most to {top_b.bucket}, {usd(top_b.revenue_change_usd)} a year.")
    return lines[:6]


def _short_index(name: str) -> str:
    """``KOSPI (Korea Composite …)`` -> ``KOSPI``; a computed view keeps no suffix (the weighting says it)."""
    name = re.sub(r"\s*\(equal-weight view\)$", "", name)
    name = re.sub(r"\s+Equal Weight Index$", "", name)
    return re.sub(r"\s*\([^()]*\)$", "", name)


def build_report(result: ShockResult, snapshot: Snapshot | None = None) -> Report:
    """The report of ``result`` (see the module docstring)."""
    sources = Sources(snapshot)
    tiers = _tiers(result.impacts)
    margins, _ = _margins(result.impacts, sources)
    buckets = _capex_buckets(result, snapshot)
    winners, payers, basis = outcome_rows(result)
    counts = contract_counts(result)
    if result.capex is not None:
        for s in result.capex.shocks:
            sources.cite_text(s.baseline_source, f"capex baseline of {s.name}")
        for r in result.capex.reached:
            if r.backlog_source:
                sources.cite_text(r.backlog_source, f"backlog of {r.name}")
    path_refs = _path_sources(result, snapshot, sources)
    for idx in result.indexes:
        for b in getattr(idx, "baselines", []):
            if b.source:
                sources.cite_text(b.source, f"earnings baseline of {b.name} ({idx.name})")
    mentioned = {c.buyer for c in result.contracts} | {c.product for c in result.contracts}
    mentioned |= {s for c in result.contracts for s in c.sellers}
    names = {i.node: i.name for i in result.impacts}
    if snapshot is not None:
        names.update(
            (row.id, str(row.name)) for row in snapshot.nodes.itertuples(index=False) if row.id in mentioned
        )
    return Report(
        title=f"Impact report: {result.scenario.name}",
        scenario=result.scenario.name,
        snapshot=result.scenario.snapshot,
        summary=_summary(result, winners, payers, basis, counts, buckets),
        basis=basis,
        winners=winners,
        payers=payers,
        contract_counts=counts,
        tiers=tiers,
        margins=margins,
        capex_buckets=buckets,
        sources=sorted(sources.items.values(), key=lambda s: s.ref),
        names={k: v for k, v in sorted(names.items()) if k in mentioned},
        path_sources=path_refs,
        result=result,
    )

