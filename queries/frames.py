"""Shock results, comparisons, sweeps and graph properties as pandas DataFrames.

Pure functions: a typed document in, DataFrames out (typed columns: floats,
ints, strings and booleans, never JSON strings). The Python API
(:mod:`chainshock.api`) returns these, and the CLI's ``--csv``,
``--parquet`` and ``--xlsx`` write the same tables, so a notebook and an
export always agree.

Estimates in node and edge properties (``{"low", "base", "high",
"basis"}``) become four columns: ``x`` (the base value), ``x_low``,
``x_high`` and ``x_basis``.

Examples
--------
>>> flatten({"cost_share": {"low": 0.1, "base": 0.2, "high": 0.3, "basis": "b", "estimate": True}, "lag_quarters": 1})
{'cost_share': 0.2, 'cost_share_low': 0.1, 'cost_share_high': 0.3, 'cost_share_basis': 'b', 'lag_quarters': 1}
>>> from chainshock.queries.result import Impact, ScenarioInfo, ShockResult
>>> r = ShockResult(scenario=ScenarioInfo(name="x", quarters=["2026Q1"]), impacts=[
...     Impact(node="product:hbm", name="HBM", label="Product", tier="memory", price_change=0.3)])
>>> shock_tables(r)["prices"][["node", "price_change"]].to_dict("records")
[{'node': 'product:hbm', 'price_change': 0.3}]
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from chainshock.graph.records import decode_json

if TYPE_CHECKING:
    import pandas as pd

    from .compare import Comparison
    from .result import ShockResult
    from .sweep import SweepResult

__all__ = [
    "LEDGER_COLUMNS",
    "comparison_tables",
    "flatten",
    "frame",
    "ledger_frame",
    "shock_tables",
    "sweep_frame",
]

# The ledger interface of issue 10: one row per node and quarter.
LEDGER_COLUMNS = ["node", "quarter", "revenue_change_usd", "cost_change_usd", "operating_income_change_usd"]


def _is_estimate(value: Any) -> bool:
    return isinstance(value, dict) and "base" in value and ("low" in value or "high" in value)


def flatten(props: dict[str, Any] | str | None) -> dict[str, Any]:
    """One level of typed columns from a properties mapping (or its JSON text)."""
    if isinstance(props, str):
        props = decode_json(props)
    out: dict[str, Any] = {}
    for key, value in (props or {}).items():
        if _is_estimate(value):
            out[key] = value.get("base")
            out[f"{key}_low"] = value.get("low")
            out[f"{key}_high"] = value.get("high")
            if "basis" in value:
                out[f"{key}_basis"] = value.get("basis")
        elif isinstance(value, dict):
            for sub, v in value.items():
                out[f"{key}_{sub}"] = v
        else:
            out[key] = value
    return out


_NUMERIC = re.compile(r"(^|_)(change|p5|p50|p95|usd|share|contribution|coverage|pass_through|state|a|b|delta|pct)$")


def frame(rows: list[dict[str, Any]], columns: list[str] | None = None) -> pd.DataFrame:
    """A DataFrame whose number columns are numeric (None -> NaN), others left as they are.

    A column is numeric when all its values are numbers, or when it is
    empty and its name says it holds numbers (``*_usd``, ``p5``, ``change``, ...).
    """
    import pandas as pd

    df = pd.DataFrame(rows, columns=columns) if columns is not None else pd.DataFrame(rows)
    for col in df.columns:
        if df[col].isna().all() and _NUMERIC.search(str(col)):
            df[col] = df[col].astype(float)
            continue
        values = [v for v in df[col] if v is not None and not (isinstance(v, float) and v != v)]
        if values and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            df[col] = pd.to_numeric(df[col])
        elif values and all(isinstance(v, bool) for v in values) and len(values) == len(df):
            df[col] = df[col].astype(bool)
    return df


def ledger_frame(result: ShockResult) -> pd.DataFrame | None:
    """The ledger as a DataFrame, or None when the result carries no ledger."""
    entries = getattr(result, "ledger", None)
    if not entries:  # no price moved, or a result from before the ledger
        return None
    names = {i.node: i.name for i in result.impacts}
    rows = []
    for e in entries:
        row = e.model_dump() if hasattr(e, "model_dump") else dict(e)
        row.setdefault("name", names.get(row.get("node", "")))
        rows.append(row)
    extra = [c for c in (rows[0] if rows else {}) if c not in LEDGER_COLUMNS]
    return frame(rows, [*LEDGER_COLUMNS, *extra])


def shock_tables(result: ShockResult) -> dict[str, pd.DataFrame]:
    """``prices``, ``quarters``, ``paths``, ``indexes`` (and ``ledger`` when present)."""
    prices = []
    quarters = []
    for imp in result.impacts:
        row = imp.model_dump(exclude={"path"})
        row["roles"] = ", ".join(imp.roles)
        prices.append(row)
        for q in imp.path:
            quarters.append({"node": imp.node, "name": imp.name, **q.model_dump()})
    price_cols = [
        "node", "name", "label", "tier", "price_change", "p5", "p50", "p95", "steady_state",
        "input_cost_change", "pass_through", "margin_hit_usd", "margin_hit_p5", "margin_hit_p95",
        "windfall_usd", "cost_base_usd", "shielded", "roles", "category", "pass_through_source",
        "cost_base_source",
    ]
    extra = [c for c in (prices[0] if prices else {}) if c not in price_cols and c != "margin_hit_p50"]
    paths = [
        {
            "target": p.target, "target_name": p.target_name, "shock": p.shock, "share": p.share,
            "contribution": p.contribution, "hops": len(p.edges), "route": " → ".join(p.names),
        }
        for p in result.paths
    ]
    indexes = [
        {
            "index": ix.index, "name": ix.name, "weighting": ix.weighting, "change": ix.change,
            "p5": ix.p5, "p50": ix.p50, "p95": ix.p95, "coverage": ix.coverage,
            "constituents": ix.constituents, "note": ix.note,
            **{k: v for k, v in ix.model_dump().items() if k in ("valuation",)},
        }
        for ix in result.indexes
    ]
    tables = {
        "prices": frame(prices, [*price_cols, *extra]),
        "quarters": frame(quarters, ["node", "name", "quarter", "price_change", "p5", "p50", "p95"]),
        "paths": frame(paths, ["target", "target_name", "shock", "share", "contribution", "hops", "route"]),
        "indexes": frame(indexes) if indexes else frame([], ["index", "name", "weighting", "change"]),
    }
    ledger = ledger_frame(result)
    if ledger is not None:
        tables["ledger"] = ledger
    return tables


def comparison_tables(cmp: Comparison) -> dict[str, pd.DataFrame]:
    """``prices`` and ``indexes`` of a comparison (columns ``a``, ``b``, ``delta``)."""
    return {
        "prices": frame([r.model_dump() for r in cmp.prices],
                        ["node", "name", "tier", "a", "b", "delta", "path_delta", "path_quarter",
                         "margin_hit_a_usd", "margin_hit_b_usd"]),
        "indexes": frame([r.model_dump() for r in cmp.indexes], ["index", "name", "weighting", "a", "b", "delta"]),
    }


def sweep_frame(sw: SweepResult) -> pd.DataFrame:
    """Long form: one row per swept percent and node or index."""
    rows = []
    for p in sw.points:
        for node, change in p.prices.items():
            rows.append({"pct": p.pct, "kind": "price", "node": node, "name": sw.names.get(node, node),
                         "change": change, "margin_hit_usd": p.margin_hits_usd.get(node)})
        for key, change in p.indexes.items():
            rows.append({"pct": p.pct, "kind": "index", "node": key, "name": sw.names.get(key, key),
                         "change": change, "margin_hit_usd": None})
    return frame(rows, ["pct", "kind", "node", "name", "change", "margin_hit_usd"])
