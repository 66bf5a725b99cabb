"""A precomputed layout that reads left to right along the supply chain.

Columns follow the tiers: memory -> chips -> servers -> cloud -> software ->
devices -> consumers, then the indexes. Industrials and utilities share the
cloud's column, stacked beside (below) the cloud: they are paid by it, not
downstream of it. Inside a column each lane (companies of a tier, products
of a tier, contracts) is a block of rows; a lane longer than ``rows`` wraps
into more sub-columns, so a 5,000-node graph stays a wide rectangle instead
of a tower. Positions are computed once in Python, so the browser draws the
graph with physics off and opens large graphs without a simulation.

Every node may bring its footprint (:class:`Box`: the node and the label
drawn under it); rows and sub-columns are spaced by the footprints, so no
label runs into another (``tests/e2e/test_view_browser.py`` measures the
label boxes vis-network draws). :func:`text_width` estimates a label's width
from DejaVu Sans's advance widths (what ``system-ui`` resolves to on
Debian), which are wider than most system fonts, so the estimate errs wide.

Examples
--------
>>> pos, headers = tier_layout([("a", "memory", 0), ("b", "chips", 0), ("c", "industrials", 0),
...                             ("d", "cloud", 0)])
>>> pos["a"][0] < pos["b"][0] < pos["d"][0]
True
>>> pos["c"][0] == pos["d"][0] and pos["c"][1] > pos["d"][1]
True
>>> [h["text"] for h in headers]
['Memory', 'Chips', 'Cloud, industrials, utilities']
>>> round(text_width("SK hynix", 14), 1)
60.8
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import NamedTuple

__all__ = ["COLUMNS", "FONT_SIZE", "Box", "column_of", "label_box", "text_width", "tier_layout"]

# (column key, header, tiers stacked in it top to bottom)
COLUMNS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("memory", "Memory", ("memory",)),
    ("chips", "Chips", ("chips",)),
    ("servers", "Servers", ("servers",)),
    ("cloud", "Cloud, industrials, utilities", ("cloud", "industrials", "utilities")),
    ("software", "Software", ("software",)),
    ("devices", "Devices", ("devices",)),
    ("consumers", "Consumers", ("consumers",)),
    ("indexes", "Indexes", ("indexes",)),
    ("other", "Other", ("other",)),
)
_COLUMN_OF = {tier: i for i, (_, _, tiers) in enumerate(COLUMNS) for tier in tiers}
_LANE_RANK = {tier: j for _, _, tiers in COLUMNS for j, tier in enumerate(tiers)}

DX = 190.0  # between sub-columns when no footprint is given: room for a label
DY = 58.0  # between rows when no footprint is given
GAP_X = 28.0  # between the widest labels of neighbouring sub-columns
GAP_Y = 14.0  # between a label and the node below it
COLUMN_GAP = 200.0
LANE_GAP = 70.0
LABEL_MARGIN = 5.0  # vis-network draws an outside label this far below the shape
FONT_SIZE = 14.0  # the label font the view draws with (view_html sets it)

# Advance widths of DejaVu Sans in em, measured with canvas measureText in
# headless Chromium. Characters not listed count 1 em (CJK and symbols).
_WIDTHS: dict[str, float] = {}
for _chars, _w in (
    ("'ijl", 0.278), ("IJ", 0.295), (" .,’", 0.318), ("/:;|", 0.337), ("f", 0.352), ("-", 0.361),
    ("()[]", 0.39), ("t", 0.392), ("!", 0.401), ("r", 0.411), ('"', 0.46), ("–*_", 0.5), ("s", 0.521),
    ("z", 0.525), ("?", 0.531), ("c", 0.55), ("L", 0.557), ("F", 0.575), ("k", 0.579), ("vxy", 0.592),
    ("P", 0.603), ("TY", 0.611), ("oae", 0.615), ("E", 0.632), ("hnubdgpqS0123456789$", 0.636),
    ("K", 0.656), ("AVXZB", 0.686), ("RC", 0.698), ("U", 0.732), ("NH", 0.752), ("DG", 0.775),
    ("&OQ", 0.787), ("w", 0.818), ("+#<>=", 0.838), ("M", 0.863), ("%", 0.95), ("m", 0.974), ("W", 0.989),
):
    for _c in _chars:
        _WIDTHS[_c] = _w


class Box(NamedTuple):
    """A node's footprint around its centre: full width, extent above, extent below."""

    width: float
    above: float
    below: float


def text_width(text: str, size: float) -> float:
    """Estimated width in pixels of one line of ``text`` at font ``size``."""
    return size * sum(_WIDTHS.get(c, 1.0) for c in text)


def label_box(label: str, node_size: float, font_size: float = 14.0, stroke: float = 3.0) -> Box:
    """The footprint of a node of radius ``node_size`` with ``label`` drawn under it.

    >>> b = label_box("SK hynix\\n+$4.20 bn", 20)
    >>> b.above, b.width > 60, round(b.below)
    (20, True, 62)
    """
    lines = label.split("\n") if label else []
    width = max([text_width(line, font_size) + 2 * stroke for line in lines] + [2.0 * node_size])
    height = len(lines) * font_size * 1.2 + stroke if lines else 0.0
    return Box(width, node_size, node_size + (LABEL_MARGIN + height if lines else 0.0))


def column_of(tier: str) -> int:
    """The column a tier is drawn in (unknown tiers go to "other")."""
    return _COLUMN_OF.get(tier, _COLUMN_OF["other"])


def tier_layout(
    items: Iterable[tuple[str, str, int]],
    rows: int | None = None,
    boxes: Mapping[str, Box] | None = None,
    column_gap: float = COLUMN_GAP,
) -> tuple[dict[str, tuple[float, float]], list[dict[str, float | str]]]:
    """Positions for nodes given as ``(id, tier, lane)`` in display order.

    Parameters
    ----------
    items : iterable of (id, tier, lane)
        ``lane`` orders blocks inside a tier (0 companies, 1 products,
        2 contracts); items keep their order inside a lane.
    rows : int, optional
        Rows per sub-column; default grows with the square root of the
        node count so the drawing keeps a screen's proportions.
    boxes : mapping id -> Box, optional
        Each node's footprint; rows and sub-columns are spaced so that no
        two footprints meet. Without it every node gets ``DX`` by ``DY``.
    column_gap : float
        Space between tier columns, for the edges that run between them.

    Returns
    -------
    positions : dict id -> (x, y)
    headers : list of {"text", "x", "y", "left", "right"}, one per non-empty column
    """
    items = list(items)
    default = Box(DX - GAP_X, DY / 2 - GAP_Y / 2, DY / 2 - GAP_Y / 2)
    box = {i: (boxes.get(i, default) if boxes else default) for i, _, _ in items}
    if rows is None:
        # About 16:10 for the whole drawing: width ~ (n / rows) * w, height ~ rows * h.
        n = max(len(items), 1)
        w = sum(b.width + GAP_X for b in box.values()) / n if items else DX
        h = sum(b.above + b.below + GAP_Y for b in box.values()) / n if items else DY
        rows = max(12, math.ceil(math.sqrt(len(items) * w / h / 1.6)))
    lanes: dict[tuple[int, int, int], list[str]] = defaultdict(list)
    for node_id, tier, lane in items:
        col = column_of(tier)
        lanes[(col, _LANE_RANK.get(tier, 0), lane)].append(node_id)

    positions: dict[str, tuple[float, float]] = {}
    headers: list[dict[str, float | str]] = []
    top = min((-b.above for b in box.values()), default=0.0)
    x0 = 0.0
    for col in range(len(COLUMNS)):
        keys = sorted(k for k in lanes if k[0] == col)
        if not keys:
            continue
        total = sum(len(lanes[k]) for k in keys)
        width = 0.0
        y0 = 0.0
        for key in keys:
            ids = lanes[key]
            # Lanes stacked in one column share its height, so the cloud's
            # column (cloud, industrials, utilities) is no taller than others.
            lane_rows = len(ids) if total <= rows else max(2, round(rows * len(ids) / total))
            x = x0
            bottom = y0
            for start in range(0, len(ids), lane_rows):
                sub = ids[start : start + lane_rows]
                sub_width = max(box[i].width for i in sub)
                y = y0
                for node_id in sub:
                    b = box[node_id]
                    y += b.above
                    positions[node_id] = (x + sub_width / 2, y)
                    y += b.below + GAP_Y
                bottom = max(bottom, y)
                x += sub_width + GAP_X
            width = max(width, x - GAP_X - x0)
            y0 = bottom + LANE_GAP
        headers.append(
            {"text": COLUMNS[col][1], "x": x0 + width / 2, "y": top - 40.0, "left": x0, "right": x0 + width}
        )
        x0 += width + column_gap
    return positions, headers
