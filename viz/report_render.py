r"""Rendering the impact report: HTML (one self-contained file), Markdown and JSON.

:func:`render` turns a :class:`~chainshock.viz.report_model.Report` into
text; :func:`write_report` writes it atomically. HTML goes through Jinja's
autoescape and SVG charts escape their own text; Markdown has its own
environment without autoescaping and escapes with :func:`md_text`; links
are emitted only for ``http(s)`` URLs. Everything here is re-exported by
:mod:`chainshock.viz.report`.

Examples
--------
>>> print(md_text("S&P 500 <b>"))
S&P 500 \<b\>
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import jinja2
from markupsafe import Markup

from .charts import Bar, Series, bar_chart, line_chart, pct, usd
from .files import write_text_atomic
from .links import safe_url
from .report_model import (
    Report,
)

if TYPE_CHECKING:
    from chainshock.queries.result import ShockResult


__all__ = [
    "Format",
    "filters",
    "md_text",
    "or_dash_pct",
    "or_dash_usd",
    "pp",
    "quarter_span",
    "render",
    "signed_usd",
    "write_report",
]

Format = Literal["html", "md", "json"]

_TEMPLATES = Path(__file__).parent / "templates"
PATHS_SHOWN = 10  # paths the report lists (build_report cites the evidence of these)
_CHART_LINES = 6


def signed_usd(x: float) -> str:
    """USD with its sign always shown: +$1.20 bn, −$3.40 bn.

    >>> signed_usd(1.2e9), signed_usd(-3.4e9)
    ('+$1.20 bn', '−$3.40 bn')
    """
    return ("+" if x > 0 else "−" if x < 0 else "") + usd(abs(x))


def md_text(value: Any) -> str:
    r"""Text safe in a Markdown table cell on GitHub: no HTML, no syntax, no entities.

    Markdown's own backslash escapes do the work, so the file reads as
    plain text (``S&P 500``, not ``S&amp;P 500``): ``<`` and ``>`` are
    escaped (no tag can open), ``&`` only where it would start an entity.

    >>> md_text('<script>alert(1)</script> | *x* [a](b) S&P &amp;')
    '\\<script\\>alert(1)\\</script\\> \\| \\*x\\* \\[a\\](b) S&P \\&amp;'
    """
    text = " ".join(str(value).split())
    text = re.sub(r"([\\`*_{}\[\]#|~<>])", r"\\\1", text)
    return re.sub(r"&(?=#?\w+;)", r"\\&", text)


def _md_link(title: str, url: str | None) -> str:
    url = safe_url(url)
    if not url:
        return md_text(title)
    return f"[{md_text(title)}](<{url.replace('<', '%3C').replace('>', '%3E')}>)"


def _fmt_opt(x: float | None, fmt: Any = pct) -> str:
    return "" if x is None else fmt(x)


def _chart_series(result: ShockResult) -> list[Series]:
    shocked = {s.node for s in result.scenario.shocks}
    movers = sorted(
        (i for i in result.impacts if i.node not in shocked and i.path),
        key=lambda i: -abs(i.price_change),
    )[:_CHART_LINES]
    return [
        Series(
            name=i.name,
            x=[p.quarter for p in i.path],
            y=[p.price_change for p in i.path],
            low=[p.p5 for p in i.path],
            high=[p.p95 for p in i.path],
        )
        for i in movers
    ]


def quarter_span(quarters: list[str]) -> str:
    """Quarters as a span when they run without a gap.

    >>> quarter_span(["2026Q1", "2026Q2", "2026Q3"]), quarter_span(["2026Q1", "2026Q3"]), quarter_span([])
    ('2026Q1–2026Q3 (3 quarters)', '2026Q1, 2026Q3', 'none')
    """
    if not quarters:
        return "none"
    index = [int(q[:4]) * 4 + int(q[-1]) for q in quarters]
    if len(quarters) > 1 and index == list(range(index[0], index[0] + len(index))):
        return f"{quarters[0]}–{quarters[-1]} ({len(quarters)} quarters)"
    return ", ".join(quarters)


def or_dash_usd(x: float | None) -> str:
    """Signed USD, or "—" for a number that is missing (not zero).

    >>> or_dash_usd(None), or_dash_usd(-2e9)
    ('—', '−$2.00 bn')
    """
    return "—" if x is None else signed_usd(x)


def or_dash_pct(x: float | None) -> str:
    """A fraction as a percentage, or "—" when missing."""
    return "—" if x is None else pct(x)


def pp(x: float | None) -> str:
    """A difference of two fractions in percentage points, or "—".

    >>> pp(0.0123), pp(None)
    ('+1.23 pp', '—')
    """
    return "—" if x is None else f"{x * 100:+.2f} pp"


def filters(env: jinja2.Environment) -> jinja2.Environment:
    """The report's Jinja filters (numbers, Markdown escaping, links) added to ``env``."""
    env.filters.update(
        side=or_dash_usd,
        ppct=or_dash_pct,
        pp=pp,
        pct=lambda x: "" if x is None else pct(x),
        usd=lambda x: "" if x is None else usd(x),
        susd=lambda x: "" if x is None else signed_usd(x),
        md=md_text,
        md_link=_md_link,
        safe_url=safe_url,
        repr_float=lambda x: "" if x is None else repr(float(x)),
        quarters=quarter_span,
    )
    return env


@cache
def _env(fmt: str = "html") -> jinja2.Environment:
    """HTML is autoescaped; Markdown has its own environment without it (``md`` escapes what it must)."""
    return filters(
        jinja2.Environment(
            loader=jinja2.FileSystemLoader(_TEMPLATES),
            autoescape=fmt == "html",
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
    )


def _context(report: Report) -> dict[str, Any]:
    result = report.result
    shocked = {s.node for s in result.scenario.shocks}
    series = _chart_series(result)
    margin_bars = [Bar(m.name, m.margin_hit_usd, m.p5, m.p95) for m in report.margins[:10]]
    capex_bars = [Bar(b.bucket, b.revenue_change_usd, b.p5, b.p95) for b in report.capex_buckets]
    refs = {s.id: s.ref for s in report.sources}
    by_tier: dict[str, list[Any]] = defaultdict(list)
    for imp in result.impacts:
        by_tier[imp.tier].append(imp)
    return {
        "r": report,
        "res": result,
        "sc": result.scenario,
        "shocked": shocked,
        "by_tier": [(t.tier, by_tier[t.tier]) for t in report.tiers],
        "paths": list(zip(result.paths[:PATHS_SHOWN], report.path_sources, strict=False)),
        "source_ref": refs,
        "margin_ref": {m.node: _ref_for(report, f"cost base of {m.name}") for m in report.margins},
        "path_chart": Markup(line_chart(series, title="Price change by quarter (lines: base; bands: P5–P95)")),
        "margin_chart": Markup(bar_chart(margin_bars, title=f"Fall in operating income {report.basis or 'per year'}, USD (whiskers: P5–P95)")),
        "capex_chart": Markup(bar_chart(capex_bars, title="Revenue change by supplier kind, USD a year")),
        "series": series,
    }


def _ref_for(report: Report, used_for: str) -> int | None:
    return next((s.ref for s in report.sources if used_for in s.used_for), None)


def render(report: Report, fmt: Format) -> str:
    """``report`` as HTML, Markdown or JSON text."""
    if fmt == "json":
        return report.model_dump_json(indent=2) + "\n"
    name = {"html": "report.html.j2", "md": "report.md.j2"}[fmt]
    return _env(fmt).get_template(name).render(**_context(report))


def write_report(report: Report, path: str | os.PathLike[str], fmt: Format) -> Path:
    """Render and write atomically: the file is whole or absent."""
    text = render(report, fmt)
    return write_text_atomic(path, text)
