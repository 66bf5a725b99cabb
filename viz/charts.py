"""Small SVG charts, generated here so a report needs no JavaScript or CDN.

Pure functions: data in, an SVG string out. Every piece of text is escaped
(``html.escape``), so a company name from a filing cannot become markup
when the SVG is inlined in an HTML report.

Examples
--------
>>> svg = line_chart([Series("HBM <b>", ["2026Q1", "2026Q2"], [0.1, 0.3], [0.05, 0.2], [0.15, 0.4])])
>>> svg.startswith("<svg") and "&lt;b&gt;" in svg and "<b>" not in svg
True
>>> "<rect" in bar_chart([Bar("NVIDIA", 2.0e9, 1.0e9, 3.0e9)], value_format=usd)
True
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = ["PALETTE", "Bar", "Series", "bar_chart", "line_chart", "nice_ticks", "pct", "usd"]

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf")


def pct(x: float) -> str:
    """A fraction as a percentage.

    >>> pct(0.0456), pct(-0.5), pct(0.00012)
    ('+4.56%', '-50.0%', '+0.012%')
    """
    a = abs(x) * 100
    digits = 1 if a >= 10 else 2 if a >= 0.1 else 3
    return f"{x * 100:+.{digits}f}%"


def usd(x: float) -> str:
    """USD with a readable scale.

    >>> usd(2.5e9), usd(-3.1e12), usd(950.0)
    ('$2.50 bn', '-$3.10 tn', '$950')
    """
    a, sign = abs(x), "-" if x < 0 else ""
    for scale, suffix in ((1e12, " tn"), (1e9, " bn"), (1e6, " m")):
        if a >= scale:
            return f"{sign}${a / scale:.2f}{suffix}"
    return f"{sign}${a:,.0f}"


@dataclass(frozen=True)
class Series:
    """One line with an optional band (``low``/``high``, e.g. P5/P95)."""

    name: str
    x: Sequence[str]
    y: Sequence[float]
    low: Sequence[float | None] | None = None
    high: Sequence[float | None] | None = None


@dataclass(frozen=True)
class Bar:
    """One horizontal bar with an optional whisker (``low``..``high``)."""

    label: str
    value: float
    low: float | None = None
    high: float | None = None


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """About ``n`` round tick values covering [lo, hi].

    >>> nice_ticks(0, 0.27)
    [0.0, 0.1, 0.2, 0.3]
    >>> nice_ticks(-0.02, 0.03)
    [-0.02, -0.01, 0.0, 0.01, 0.02, 0.03]
    """
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return [0.0]
    if hi <= lo:
        hi = lo + (abs(lo) or 1.0)
    raw = (hi - lo) / max(n, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    ticks = []
    t = start
    while t < hi + step * 0.999:
        ticks.append(round(t, 12))
        t += step
    return ticks


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def line_chart(
    series: Sequence[Series],
    *,
    title: str = "",
    width: int = 720,
    height: int = 320,
    value_format: Callable[[float], str] = pct,
) -> str:
    """Lines over quarters with shaded P5-P95 bands and a legend."""
    if not series or not series[0].x:
        return ""
    left, right, top, bottom = 70, 190, 28 if title else 12, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for s in series for v in s.y]
    for s in series:
        values += [v for v in (s.low or []) if v is not None] + [v for v in (s.high or []) if v is not None]
    ticks = nice_ticks(min(0.0, *values), max(0.0, *values))
    y0, y1 = ticks[0], ticks[-1]
    labels = list(series[0].x)
    n = len(labels)

    def px(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def py(v: float) -> float:
        return top + plot_h * (1 - (v - y0) / (y1 - y0 or 1.0))

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{_e(title or "chart")}" font-family="system-ui, sans-serif" font-size="12">'
    ]
    if title:
        out.append(f'<text x="{left}" y="16" font-weight="bold" font-size="13">{_e(title)}</text>')
    for t in ticks:
        y = py(t)
        out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e5e5"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{_e(value_format(t))}</text>')
    step = max(1, math.ceil(n / 10))
    for i, lab in enumerate(labels):
        if i % step == 0:
            out.append(f'<text x="{px(i):.1f}" y="{top + plot_h + 18}" text-anchor="middle" fill="#555">{_e(lab)}</text>')
    out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{py(0):.1f}" y2="{py(0):.1f}" stroke="#999"/>')
    for k, s in enumerate(series):
        color = PALETTE[k % len(PALETTE)]
        if s.low is not None and s.high is not None:
            pts = [(i, lo, hi) for i, (lo, hi) in enumerate(zip(s.low, s.high, strict=True)) if lo is not None and hi is not None]
            if pts:
                upper = " ".join(f"{px(i):.1f},{py(hi):.1f}" for i, _, hi in pts)
                lower = " ".join(f"{px(i):.1f},{py(lo):.1f}" for i, lo, _ in reversed(pts))
                out.append(f'<polygon points="{upper} {lower}" fill="{color}" fill-opacity="0.15" stroke="none"/>')
        line = " ".join(f"{px(i):.1f},{py(v):.1f}" for i, v in enumerate(s.y))
        out.append(f'<polyline points="{line}" fill="none" stroke="{color}" stroke-width="2"/>')
        for i, v in enumerate(s.y):
            out.append(
                f'<circle cx="{px(i):.1f}" cy="{py(v):.1f}" r="2.5" fill="{color}"><title>{_e(s.name)} {_e(labels[i])}: {_e(value_format(v))}</title></circle>'
            )
        ly = top + 8 + k * 18
        out.append(f'<rect x="{left + plot_w + 14}" y="{ly - 8}" width="12" height="4" fill="{color}"/>')
        name = s.name if len(s.name) <= 24 else s.name[:23] + "…"
        out.append(f'<text x="{left + plot_w + 30}" y="{ly - 2}" fill="#222">{_e(name)}</text>')
    out.append("</svg>")
    return "".join(out)


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str = "",
    width: int = 720,
    value_format: Callable[[float], str] = usd,
) -> str:
    """Horizontal bars (largest first as given) with P5-P95 whiskers."""
    if not bars:
        return ""
    row_h, left, right, top = 24, 200, 110, 28 if title else 8
    height = top + row_h * len(bars) + 26
    plot_w = width - left - right
    values = [b.value for b in bars] + [v for b in bars for v in (b.low, b.high) if v is not None]
    ticks = nice_ticks(min(0.0, *values), max(0.0, *values), 4)
    x0, x1 = ticks[0], ticks[-1]

    def px(v: float) -> float:
        return left + plot_w * (v - x0) / (x1 - x0 or 1.0)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{_e(title or "chart")}" font-family="system-ui, sans-serif" font-size="12">'
    ]
    if title:
        out.append(f'<text x="8" y="16" font-weight="bold" font-size="13">{_e(title)}</text>')
    bottom = top + row_h * len(bars)
    for t in ticks:
        x = px(t)
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{bottom}" stroke="#e5e5e5"/>')
        out.append(f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle" fill="#555">{_e(value_format(t))}</text>')
    for i, b in enumerate(bars):
        y = top + i * row_h
        a, z = sorted((px(0.0), px(b.value)))
        label = b.label if len(b.label) <= 26 else b.label[:25] + "…"
        out.append(f'<text x="{left - 8}" y="{y + 16}" text-anchor="end" fill="#222">{_e(label)}</text>')
        out.append(
            f'<rect x="{a:.1f}" y="{y + 5}" width="{max(z - a, 1):.1f}" height="{row_h - 10}" fill="{PALETTE[0] if b.value >= 0 else PALETTE[1]}">'
            f"<title>{_e(b.label)}: {_e(value_format(b.value))}</title></rect>"
        )
        if b.low is not None and b.high is not None:
            ym = y + row_h / 2
            out.append(f'<line x1="{px(b.low):.1f}" x2="{px(b.high):.1f}" y1="{ym:.1f}" y2="{ym:.1f}" stroke="#222"/>')
            for v in (b.low, b.high):
                out.append(f'<line x1="{px(v):.1f}" x2="{px(v):.1f}" y1="{ym - 5:.1f}" y2="{ym + 5:.1f}" stroke="#222"/>')
        out.append(f'<text x="{max(z, px(b.high or b.value)) + 6:.1f}" y="{y + 16}" fill="#222">{_e(value_format(b.value))}</text>')
    out.append("</svg>")
    return "".join(out)
