"""Two shock results side by side: what moves differently, and by how much.

A pure function over two :class:`~.result.ShockResult` documents, behind
``chainshock compare A B`` and ``Shock.compare`` in the Python API. Rows
are matched by node (prices, margins) and by index and weighting (indexes);
a node or index present in one run only gets ``None`` on the other side,
never a made-up zero.

Examples
--------
>>> from chainshock.queries.result import Impact, ScenarioInfo, ShockResult
>>> a = ShockResult(scenario=ScenarioInfo(name="a"), impacts=[
...     Impact(node="company:x", name="X", label="Company", tier="chips", price_change=0.05)])
>>> b = ShockResult(scenario=ScenarioInfo(name="b"), impacts=[
...     Impact(node="company:x", name="X", label="Company", tier="chips", price_change=0.02)])
>>> row = compare_results(a, b).prices[0]
>>> row.node, row.a, row.b, round(row.delta, 4)
('company:x', 0.05, 0.02, -0.03)
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from .result import ShockResult

__all__ = ["Comparison", "IndexRow", "PriceRow", "compare_results"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PriceRow(_Model):
    """One node's price change (fraction, end of horizon) in A and B."""

    node: str
    name: str
    tier: str
    a: float | None
    b: float | None
    delta: float | None = Field(description="b - a; None when one side lacks the node")
    margin_hit_a_usd: float | None = None
    margin_hit_b_usd: float | None = None
    path_delta: float | None = Field(
        default=None, description="largest b - a over the quarters both runs share (signed); None when none shared"
    )
    path_quarter: str | None = Field(default=None, description="the quarter of path_delta")


class IndexRow(_Model):
    """One index reading (index, weighting) in A and B."""

    index: str
    name: str
    weighting: str
    a: float | None
    b: float | None
    delta: float | None


class Comparison(_Model):
    """``chainshock compare A B --json``: A and B's settings, and the rows that differ."""

    a: str = Field(description="scenario A's name")
    b: str = Field(description="scenario B's name")
    a_quarters: list[str] = Field(default_factory=list)
    b_quarters: list[str] = Field(default_factory=list)
    prices: list[PriceRow] = Field(
        default_factory=list, description="largest difference first (end of horizon, or any shared quarter)"
    )
    indexes: list[IndexRow] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


def _delta(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else b - a


def compare_results(a: ShockResult, b: ShockResult) -> Comparison:
    """Match ``a`` and ``b`` by node and by index; sort prices by how much they differ."""
    ia = {i.node: i for i in a.impacts}
    ib = {i.node: i for i in b.impacts}
    rows = []
    for node in sorted(set(ia) | set(ib)):
        x, y = ia.get(node), ib.get(node)
        ref = x or y
        assert ref is not None
        pa = x.price_change if x else None
        pb = y.price_change if y else None
        gap: tuple[float, str] | None = None
        if x and y:
            path_a = {q.quarter: q.price_change for q in x.path}
            for q in y.path:
                if q.quarter in path_a:
                    d = q.price_change - path_a[q.quarter]
                    if gap is None or abs(d) > abs(gap[0]) + 1e-15:
                        gap = (d, q.quarter)
        rows.append(
            PriceRow(
                node=node, name=ref.name, tier=ref.tier, a=pa, b=pb, delta=_delta(pa, pb),
                margin_hit_a_usd=x.margin_hit_usd if x else None,
                margin_hit_b_usd=y.margin_hit_usd if y else None,
                path_delta=gap[0] if gap else None,
                path_quarter=gap[1] if gap else None,
            )
        )

    def order(r: PriceRow) -> tuple[float, str]:
        d = r.delta if r.delta is not None else max(abs(r.a or 0.0), abs(r.b or 0.0))
        return (-max(abs(d), abs(r.path_delta or 0.0)), r.node)

    rows.sort(key=order)
    xa = {(i.index, i.weighting): i for i in a.indexes}
    xb = {(i.index, i.weighting): i for i in b.indexes}
    indexes = []
    for key in sorted(set(xa) | set(xb)):
        u, v = xa.get(key), xb.get(key)
        ref_ix = u or v
        assert ref_ix is not None
        ca = u.change if u else None
        cb = v.change if v else None
        indexes.append(IndexRow(index=key[0], name=ref_ix.name, weighting=key[1], a=ca, b=cb, delta=_delta(ca, cb)))
    notes = []
    qa, qb = a.scenario.quarters, b.scenario.quarters
    if qa and qb and (qa[0], qa[-1]) != (qb[0], qb[-1]):
        notes.append(
            f"the horizons differ ({qa[0]}–{qa[-1]} vs {qb[0]}–{qb[-1]}): prices are each run's end-of-horizon change"
        )
    if a.scenario.snapshot and b.scenario.snapshot and a.scenario.snapshot != b.scenario.snapshot:
        notes.append("the two runs read different snapshots")
    return Comparison(
        a=a.scenario.name, b=b.scenario.name, a_quarters=list(qa), b_quarters=list(qb),
        prices=rows, indexes=indexes, notes=notes,
    )
