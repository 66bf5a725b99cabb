"""A precomputed layout that reads left to right along the supply chain.

Columns follow the tiers: memory -> chips -> servers -> cloud -> software ->
devices -> consumers, then the indexes. Industrials and utilities share the
cloud's column, stacked beside (below) the cloud: they are paid by it, not
downstream of it. Inside a column each lane (companies of a tier, products
of a tier, contracts) is a block of rows; a lane longer than ``rows`` wraps
into more sub-columns, so a 5,000-node graph stays a wide rectangle instead
of a tower. Positions are computed once in Python, so the browser draws the
graph with physics off and opens large graphs without a simulation.

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
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable

__all__ = ["COLUMNS", "column_of", "tier_layout"]

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

DX = 190.0  # between sub-columns: room for a label
DY = 58.0  # between rows
COLUMN_GAP = 260.0
LANE_GAP = 90.0


def column_of(tier: str) -> int:
    """The column a tier is drawn in (unknown tiers go to "other")."""
    return _COLUMN_OF.get(tier, _COLUMN_OF["other"])


def tier_layout(
    items: Iterable[tuple[str, str, int]], rows: int | None = None
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

    Returns
    -------
    positions : dict id -> (x, y)
    headers : list of {"text", "x", "y"}, one per non-empty column
    """
    items = list(items)
    if rows is None:
        # About 16:10 for the whole drawing: width ~ (n / rows) * DX, height ~ rows * DY.
        rows = max(12, math.ceil(math.sqrt(len(items) * DX / DY / 1.6)))
    lanes: dict[tuple[int, int, int], list[str]] = defaultdict(list)
    for node_id, tier, lane in items:
        col = column_of(tier)
        lanes[(col, _LANE_RANK.get(tier, 0), lane)].append(node_id)

    positions: dict[str, tuple[float, float]] = {}
    headers: list[dict[str, float | str]] = []
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
            n_sub = math.ceil(len(ids) / lane_rows)
            height = min(lane_rows, len(ids))
            for i, node_id in enumerate(ids):
                sub, row = divmod(i, lane_rows)
                positions[node_id] = (x0 + sub * DX, y0 + row * DY)
            width = max(width, (n_sub - 1) * DX)
            y0 += height * DY + LANE_GAP
        headers.append({"text": COLUMNS[col][1], "x": x0 + width / 2, "y": -DY * 1.5})
        x0 += width + COLUMN_GAP
    return positions, headers
