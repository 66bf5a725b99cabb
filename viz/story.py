"""The shock's story in the view: which nodes and edges, and how each is drawn.

Pure functions over a snapshot's edge table and a
:class:`~chainshock.queries.result.ShockResult`:

- :func:`story_nodes` keeps the nodes the shock moves beyond a threshold
  (price change, or change of operating income against the largest one),
  the shocked nodes, every node on an attribution path and the sellers the
  paths run through;
- :func:`path_edges` maps each attribution path onto the snapshot's edges
  (a ``USES`` step runs product -> buyer but is stored buyer -> product;
  ``via`` sellers add their ``SUPPLIES`` edge to the buyer), so the page can
  light a path up and the default view draws only the edges that carry the
  shock;
- :func:`frames` gives every node its size, colour and label for each
  quarter of the horizon (the quarter slider replays them): companies
  coloured by Δ operating income in USD (green gains, red losses, darker =
  larger) and sized by its magnitude; products sized by their price change.

Examples
--------
>>> ramp(1.0, 1.0), ramp(-0.25, 1.0), ramp(0.0, 1.0)
('#006d2c', '#d0655b', '#d9d9d9')
>>> short_name("Samsung Electronics Co., Ltd."), short_name("High-bandwidth memory (HBM)")
('Samsung Electronics', 'HBM')
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .outcome import Outcome, price_path

if TYPE_CHECKING:
    from chainshock.queries.result import ShockResult

__all__ = [
    "NEUTRAL",
    "PAYER",
    "WINNER",
    "frames",
    "money",
    "path_edges",
    "ramp",
    "short_name",
    "story_nodes",
]

WINNER = ("#c7e9c0", "#006d2c")  # light -> dark green
PAYER = ("#fcbba1", "#a50f15")  # light -> dark red
NEUTRAL = "#d9d9d9"  # moved in price only, or no ledger entry
PRODUCT = "#9e9e9e"
SHOCKED_BORDER = "#111111"
SHIELD_BORDER = "#6a3d9a"
MIN_SIZE, MAX_SIZE = 8.0, 38.0
_SUFFIX = re.compile(
    r"(,?\s+(Inc\.?|Incorporated|Corporation|Corp\.?|Company|Co\.?,? Ltd\.?|Co\.?|Ltd\.?|Limited|plc|PBC|LLC|"
    r"N\.V\.|S\.A\.|SE|AG|Holdings?|Group|Technology Holding Co\., Ltd\.))+$"
)


def short_name(name: str, limit: int = 26) -> str:
    """A label-sized name: no legal suffix, a short parenthetical acronym kept, at most ``limit`` characters.

    >>> short_name("Device buyers (consumers buying phones and PCs)")
    'Device buyers'
    >>> short_name("Taiwan Semiconductor Manufacturing Company Limited")
    'Taiwan Semiconductor Manu…'
    """
    text = " ".join(str(name).split())
    m = re.fullmatch(r"(.*?)\s*\(([^()]*)\)\s*", text)
    if m:
        inner = m[2].strip()
        text = inner if re.fullmatch(r"[A-Z0-9&\-]{2,8}", inner) else m[1]
    text = _SUFFIX.sub("", text) or text
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def money(x: float) -> str:
    """USD with a sign, short: +$1.39 bn, −$12.0 m.

    >>> money(1.386e9), money(-2.5e7), money(0)
    ('+$1.39 bn', '−$25.0 m', '$0')
    """
    if x == 0:
        return "$0"
    a = abs(x)
    sign = "+" if x > 0 else "−"
    if a >= 1e12:
        return f"{sign}${a / 1e12:.2f} tn"
    if a >= 1e9:
        return f"{sign}${a / 1e9:.2f} bn"
    if a >= 1e6:
        return f"{sign}${a / 1e6:.1f} m"
    if a >= 1e3:
        return f"{sign}${a / 1e3:.0f} k"
    return f"{sign}${a:.0f}"


def _pct(x: float) -> str:
    return f"{x * 100:+.{2 if abs(x) < 0.1 else 1}f}%"


def _mix(a: str, b: str, t: float) -> str:
    ca = [int(a[i : i + 2], 16) for i in (1, 3, 5)]
    cb = [int(b[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(ca, cb, strict=True))


def ramp(value: float, biggest: float) -> str:
    """The fill of a Δ operating income: green gains, red losses, darker when larger (square-root scale)."""
    if value == 0 or biggest <= 0:
        return NEUTRAL
    t = math.sqrt(min(abs(value) / biggest, 1.0))
    light, dark = WINNER if value > 0 else PAYER
    return _mix(light, dark, t)


def size_of(value: float, biggest: float) -> float:
    """Node radius for a magnitude: area proportional to it, from MIN_SIZE to MAX_SIZE."""
    if biggest <= 0 or value == 0:
        return MIN_SIZE
    return round(MIN_SIZE + (MAX_SIZE - MIN_SIZE) * math.sqrt(min(abs(value) / biggest, 1.0)), 2)


def path_edges(result: ShockResult, edges: Any) -> list[list[str]]:
    """For each of ``result.paths``, the ids of the snapshot edges it runs along."""
    index: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for eid, typ, src, tgt in zip(edges["id"], edges["type"], edges["source"], edges["target"], strict=True):
        index[(typ, src, tgt)].append(eid)
        if typ == "USES":  # stored buyer -> product; paths run product -> buyer
            index[(typ, tgt, src)].append(eid)
    out: list[list[str]] = []
    for path in result.paths:
        ids: list[str] = []
        for step in path.edges:
            ids += index.get((step.type, step.source, step.target), [])
            for seller in step.via:
                ids += index.get(("SUPPLIES", seller, step.target), [])
                ids += index.get(("PRODUCES", seller, step.source), [])
        out.append(list(dict.fromkeys(ids)))
    return out


def story_nodes(
    result: ShockResult,
    outcome: Outcome,
    edges: Any,
    threshold: float = 0.005,
    oi_share: float = 0.01,
) -> set[str]:
    """The nodes the shock moves beyond ``threshold`` and those that carry it.

    Parameters
    ----------
    threshold : float
        Smallest price change kept (fraction, 0.005 = 0.5%), at the end of
        the horizon or in any quarter.
    oi_share : float
        Smallest change of operating income kept, as a share of the largest.
    """
    keep = {s.node for s in result.scenario.shocks}
    for imp in result.impacts:
        moved = [abs(imp.price_change)] + [abs(p.price_change) for p in imp.path]
        if max(moved) >= threshold:
            keep.add(imp.node)
    biggest = max((abs(v) for v in outcome.operating_income.values()), default=0.0)
    keep |= {n for n, v in outcome.operating_income.items() if biggest > 0 and abs(v) >= oi_share * biggest}
    for path in result.paths:
        if path.target in keep:
            keep.update(path.nodes)
            keep.update(s for step in path.edges for s in step.via)
    # The producers of a shocked product sell at the new price: they are
    # the first to gain, whether or not a path ends at them.
    shocked = {s.node for s in result.scenario.shocks}
    for typ, src, tgt in zip(edges["type"], edges["source"], edges["target"], strict=True):
        if typ == "PRODUCES" and tgt in shocked:
            keep.add(src)
    return keep


def frames(
    result: ShockResult,
    outcome: Outcome,
    nodes: Iterable[tuple[str, str, str]],
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, Any]]:
    """Size, colour and label of each node in each quarter of the horizon.

    Parameters
    ----------
    nodes : iterable of (id, label, display name)

    Returns
    -------
    frames : dict id -> one {"size", "color", "label"} per quarter
        Companies: Δ operating income accumulated from the first quarter
        through that quarter (ledger), or the yearly rate when the result has
        no ledger; their price change in that quarter. Products: their price
        change in that quarter.
    scale : dict
        The largest magnitudes among ``nodes`` the sizes and colours are relative to.
    """
    nodes = list(nodes)
    shown = {n for n, _, _ in nodes}
    quarters = list(result.scenario.quarters) or ["end"]
    n_q = len(quarters)
    prices = {n: v for n, v in price_path(result).items() if n in shown}
    cumulative: dict[str, list[float]] = {}
    for node, values in outcome.quarterly.items():
        if node not in shown:
            continue
        acc, run = [], 0.0
        for v in values:
            run += v
            acc.append(run)
        cumulative[node] = acc
    for node, total in outcome.operating_income.items():
        if node in shown:
            cumulative.setdefault(node, [total] * n_q)
    biggest_oi = max((abs(v) for vals in cumulative.values() for v in vals), default=0.0)
    biggest_price = max((abs(v) for vals in prices.values() for v in vals), default=0.0)
    out: dict[str, list[dict[str, Any]]] = {}
    for node, label, name in nodes:
        price = prices.get(node)
        oi = cumulative.get(node)
        rows = []
        for q in range(n_q):
            lines = [name]
            if oi is not None and label != "Product":
                value = oi[q]
                lines.append(money(value) + (f" · {_pct(price[q])}" if price and price[q] else ""))
                rows.append({"size": size_of(value, biggest_oi), "color": ramp(value, biggest_oi)})
            elif price is not None:
                lines.append(_pct(price[q]))
                rows.append({"size": size_of(price[q], biggest_price) * 0.8, "color": PRODUCT if label == "Product" else NEUTRAL})
            else:
                rows.append({"size": MIN_SIZE, "color": PRODUCT if label == "Product" else NEUTRAL})
            rows[-1]["label"] = "\n".join(lines)
        out[node] = rows
    scale = {"oi": biggest_oi, "price": biggest_price, "quarters": quarters}
    return out, scale


def top_paths_through(paths: Sequence[Any], node: str, k: int = 5) -> list[int]:
    """Indexes of the ``k`` paths with the largest contribution that end at or pass ``node``."""
    hits = [i for i, p in enumerate(paths) if node == p.target or node in p.nodes]
    return sorted(hits, key=lambda i: -abs(paths[i].contribution))[:k]


def shielded_nodes(result: ShockResult) -> set[str]:
    """Nodes part of whose input a fixed-price contract shields during the horizon."""
    return {i.node for i in result.impacts if i.shielded}


def index_changes(result: ShockResult) -> Mapping[str, list[Any]]:
    """index id -> its changes (one per weighting)."""
    out: dict[str, list[Any]] = defaultdict(list)
    for idx in result.indexes:
        out[idx.index].append(idx)
    return out
