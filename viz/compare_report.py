"""Two scenario runs side by side, as a report section: who gains and who pays in each, in USD.

``chainshock compare A B --report out.html`` writes a comparison report
(HTML, Markdown or JSON); ``chainshock report A --compare B`` adds the same
section to A's impact report (:func:`with_comparison`). :func:`build_comparison` is pure: two
:class:`~chainshock.queries.result.ShockResult` documents in, a
:class:`ComparisonSection` out. Winners and payers come from each run's
own dollar ledger (:mod:`chainshock.viz.outcome`, as in the single-run
report), matched by node; prices and indexes come from
:func:`chainshock.queries.compare.compare_results`, as ``compare`` prints
them.

A node one run's ledger does not hold shows no number on that side
(``None``, drawn as "—"), never a made-up zero.

Examples
--------
>>> from chainshock.queries.result import Impact, LedgerEntry, ScenarioInfo, ShockResult
>>> def run(name, gain):
...     return ShockResult(
...         scenario=ScenarioInfo(name=name, quarters=["2026Q1"]),
...         impacts=[Impact(node="c:m", name="Maker", label="Company", tier="memory", price_change=0.1)],
...         ledger=[LedgerEntry(node="c:m", name="Maker", kind="company", quarter="2026Q1",
...                           revenue_change_usd=gain, cost_change_usd=0.0, operating_income_change_usd=gain),
...                 LedgerEntry(node="c:b", name="Buyer", kind="company", quarter="2026Q1",
...                           revenue_change_usd=0.0, cost_change_usd=gain, operating_income_change_usd=-gain)])
>>> sec = build_comparison(run("a", 2e9), run("b", 5e9))
>>> [(w.name, w.a_usd, w.b_usd, w.delta_usd) for w in sec.winners]
[('Maker', 2000000000.0, 5000000000.0, 3000000000.0)]
>>> sec.payers[0].name, sec.summary[1]
('Buyer', 'Who gains: Maker +$2.00 bn in a, +$5.00 bn in b.')
>>> "| Maker | +$2.00 bn | +$5.00 bn | +$3.00 bn |" in render_comparison(sec, "md")
True
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import jinja2

from chainshock.queries.compare import Comparison, PriceRow, compare_results

from .files import write_text_atomic
from .outcome import Outcome, outcome
from .report_model import ComparisonSection, OutcomePair, Report
from .report_render import filters, or_dash_pct, or_dash_usd, quarter_span, signed_usd
from .story import short_name

if TYPE_CHECKING:
    from chainshock.queries.result import ShockResult

__all__ = [
    "ComparisonSection",
    "OutcomePair",
    "build_comparison",
    "render_comparison",
    "render_section",
    "with_comparison",
    "write_comparison",
]

_ROWS = 10  # winners (and payers) of each run taken into the side-by-side tables
_PRICES_SHOWN = 15
_SAME = 5e-5  # price rows that differ by less (0.005 pp) are "the same"


def _pairs(oa: Outcome, ob: Outcome, nodes: list[str]) -> list[OutcomePair]:
    rows = []
    for node in nodes:
        a = oa.operating_income.get(node)
        b = ob.operating_income.get(node)
        rows.append(
            OutcomePair(
                node=node,
                name=oa.names.get(node) or ob.names.get(node) or node,
                kind=oa.kinds.get(node) or ob.kinds.get(node) or "company",
                a_usd=a,
                b_usd=b,
                delta_usd=None if a is None or b is None else b - a,
            )
        )
    return rows


def _top(out: Outcome, sign: int, k: int) -> list[str]:
    items = [(n, v) for n, v in out.operating_income.items() if v * sign > 0]
    return [n for n, _ in sorted(items, key=lambda x: (-abs(x[1]), x[0]))[:k]]


def _summary(sec: ComparisonSection, cmp: Comparison) -> list[str]:
    basis = sec.a_basis if sec.a_basis == sec.b_basis else f"{sec.a_basis} in A and {sec.b_basis} in B"
    lines = [
        f"A: {sec.a}, {quarter_span(sec.a_quarters)}; B: {sec.b}, {quarter_span(sec.b_quarters)}; "
        f"USD amounts are changes of operating income {basis}."
    ]
    for word, rows in (("gains", sec.winners), ("pays", sec.payers)):
        if rows:
            top = rows[:3]
            lines.append(
                f"Who {word}: "
                + "; ".join(
                    f"{short_name(r.name, 40)} {or_dash_usd(r.a_usd)} in {sec.a}, {or_dash_usd(r.b_usd)} in {sec.b}" for r in top
                )
                + "."
            )
    moved = [r for r in sec.winners + sec.payers if r.delta_usd is not None]
    if moved:
        big = max(moved, key=lambda r: abs(r.delta_usd or 0.0))
        lines.append(
            f"Largest difference: {short_name(big.name, 40)}, {signed_usd(big.delta_usd or 0.0)} in B against A."
        )
    if sec.prices:
        p = sec.prices[0]
        lines.append(
            f"Prices: {short_name(p.name, 40)} differs most, {or_dash_pct(p.a)} in A and {or_dash_pct(p.b)} in B; "
            f"{sec.same_prices} of {len(cmp.prices)} nodes move the same in both."
        )
    if sec.notes:
        lines.append("Note: " + "; ".join(sec.notes) + ".")
    return lines[:6]


def build_comparison(
    a: ShockResult, b: ShockResult, cmp: Comparison | None = None, k: int = _ROWS
) -> ComparisonSection:
    """Winners and payers of ``a`` and ``b`` side by side, with the prices and indexes that differ.

    Parameters
    ----------
    a, b : ShockResult
        The two runs (A is the reference: deltas are B − A).
    cmp : Comparison, optional
        ``compare_results(a, b)`` when the caller has it already.
    k : int
        How many winners (and payers) of each run enter the tables; the
        tables hold the union, so up to ``2 k`` rows each.
    """
    cmp = cmp if cmp is not None else compare_results(a, b)
    oa, ob = outcome(a), outcome(b)
    winners = list(dict.fromkeys(_top(oa, 1, k) + _top(ob, 1, k)))
    payers = list(dict.fromkeys(_top(oa, -1, k) + _top(ob, -1, k)))
    # A node that gains in one run and pays in the other sits where its larger amount puts it.
    both = set(winners) & set(payers)
    for node in both:
        a_v, b_v = oa.operating_income.get(node, 0.0), ob.operating_income.get(node, 0.0)
        big = a_v if abs(a_v) >= abs(b_v) else b_v
        (payers if big > 0 else winners).remove(node)
    w_rows = sorted(_pairs(oa, ob, winners), key=lambda r: (-max(r.a_usd or 0.0, r.b_usd or 0.0), r.node))
    p_rows = sorted(_pairs(oa, ob, payers), key=lambda r: (min(r.a_usd or 0.0, r.b_usd or 0.0), r.node))

    def differs(r: PriceRow) -> bool:
        return r.delta is None or abs(r.delta) >= _SAME or (r.path_delta is not None and abs(r.path_delta) >= _SAME)

    shown = [r for r in cmp.prices if differs(r)]
    sec = ComparisonSection(
        title=f"Comparison: {cmp.a} and {cmp.b}",
        a=cmp.a,
        b=cmp.b,
        a_basis=oa.basis,
        b_basis=ob.basis,
        a_quarters=cmp.a_quarters,
        b_quarters=cmp.b_quarters,
        summary=[],
        winners=w_rows,
        payers=p_rows,
        prices=shown[:_PRICES_SHOWN],
        same_prices=len(cmp.prices) - len(shown),
        indexes=cmp.indexes,
        notes=list(cmp.notes),
    )
    if oa.basis != ob.basis:
        sec.notes.append(f"the USD amounts cover different spans (A {oa.basis}, B {ob.basis})")
    sec.summary = _summary(sec, cmp)
    return sec


# ---------------------------------------------------------------- rendering

Format = Literal["html", "md", "json"]
_TEMPLATES = Path(__file__).parent / "templates"


@cache
def _env(fmt: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        autoescape=fmt == "html",
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return filters(env)


def render_comparison(section: ComparisonSection, fmt: Format) -> str:
    """``section`` as a whole HTML page, a Markdown document or JSON."""
    if fmt == "json":
        return section.model_dump_json(indent=2) + "\n"
    name = {"html": "compare.html.j2", "md": "compare.md.j2"}[fmt]
    return _env(fmt).get_template(name).render(c=section)


def render_section(section: ComparisonSection, fmt: Literal["html", "md"], level: int = 2) -> str:
    """Only the section (no page around it), for another report to include; headings start at ``level``."""
    name = {"html": "_compare_section.html.j2", "md": "_compare_section.md.j2"}[fmt]
    return _env(fmt).get_template(name).render(c=section, level=level)


def with_comparison(report: Report, other: ShockResult) -> Report:
    """``report`` (of run A) with a section comparing A to ``other`` (B), as ``report A --compare B`` writes it."""
    return report.model_copy(update={"comparison": build_comparison(report.result, other)})


def write_comparison(section: ComparisonSection, path: str | os.PathLike[str], fmt: Format) -> Path:
    """Render and write atomically: the file is whole or absent."""
    return write_text_atomic(path, render_comparison(section, fmt))
