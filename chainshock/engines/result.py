"""A Cypher result as plain data, whichever engine produced it.

The embedded engine returns ``Decimal`` for integer sums, ``datetime.date``
for dates and dicts with ``_ID``/``_LABEL`` keys for nodes; the Neo4j driver
returns ``neo4j.time.Date`` and ``Node``/``Relationship``/``Path`` objects.
:func:`to_plain` maps both to the same JSON-ready values, so a query returns
the same rows on either engine and ``--json`` can print them.

Examples
--------
>>> from decimal import Decimal
>>> import datetime as dt
>>> to_plain([Decimal("3"), Decimal("0.5"), dt.date(2026, 6, 30)])
[3, 0.5, '2026-06-30']
>>> to_plain({"_ID": {"offset": 0, "table": 0}, "_LABEL": "Company", "id": "company:nvidia", "ticker": None})
{'_label': 'Company', 'id': 'company:nvidia'}
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

__all__ = ["MEMORY_MB", "PRINT_ROWS", "TIMEOUT_S", "QueryResult", "normalise_rows", "to_plain"]

# Bounds on one query (``chainshock cypher --timeout/--memory/--max-rows``): a
# runaway query stops with a one-line error instead of holding the machine.
TIMEOUT_S = 30.0  # both engines; 0 means no limit
MEMORY_MB = 512  # the embedded engine's buffer pool
PRINT_ROWS = 1000  # rows shown in the table view (--json prints them all)


@dataclass(frozen=True)
class QueryResult:
    """Column names and rows (each a list of plain values), plus the engine."""

    columns: list[str]
    rows: list[list[Any]]
    engine: str
    query_name: str | None = None
    params: dict[str, Any] = field(default_factory=dict)

    def records(self) -> list[dict[str, Any]]:
        """Rows as ``{column: value}`` dicts (the ``--json`` form)."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def _neo4j_value(value: Any) -> Any | None:
    """Plain form of a neo4j driver graph or time value, or None if not one."""
    try:
        from neo4j import graph as ngraph
        from neo4j import time as ntime
    except ImportError:  # pragma: no cover - the driver is a dependency
        return None
    if isinstance(value, ngraph.Node):
        out = {"_label": sorted(value.labels)[0] if value.labels else None}
        out.update({k: to_plain(v) for k, v in value.items() if v is not None})
        return out
    if isinstance(value, ngraph.Relationship):
        out = {"_type": value.type}
        out.update({k: to_plain(v) for k, v in value.items() if v is not None})
        return out
    if isinstance(value, ngraph.Path):
        return {
            "nodes": [to_plain(n) for n in value.nodes],
            "relationships": [to_plain(r) for r in value.relationships],
        }
    if isinstance(value, ntime.Date | ntime.DateTime):
        return value.iso_format()
    if isinstance(value, ntime.Duration):
        return str(value)
    return None


def to_plain(value: Any) -> Any:
    """Map an engine value to str/int/float/bool/None/list/dict."""
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        if "_NODES" in value and "_RELS" in value:  # an embedded path
            return {
                "nodes": [to_plain(n) for n in value["_NODES"]],
                "relationships": [to_plain(r) for r in value["_RELS"]],
            }
        out: dict[str, Any] = {}
        if "_LABEL" in value:
            key = "_type" if "_SRC" in value else "_label"
            out[key] = value["_LABEL"]
        for k, v in value.items():
            if k in ("_ID", "_LABEL", "_SRC", "_DST") or v is None:
                continue
            out[k] = to_plain(v)
        return out
    converted = _neo4j_value(value)
    if converted is not None:
        return converted
    return str(value)


def _norm(value: Any, digits: int) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        if value == 0:
            return 0.0
        return float(f"{float(value):.{digits}g}")
    if isinstance(value, list):
        return [_norm(v, digits) for v in value]
    if isinstance(value, dict):
        return {k: _norm(v, digits) for k, v in sorted(value.items())}
    return value


def normalise_rows(rows: list[list[Any]], digits: int = 9) -> list[str]:
    """Rows in a canonical, order-free form for comparing engines.

    Numbers become floats with ``digits`` significant digits (sums may add
    in another order on each engine; integers and Decimals compare as
    numbers); rows are sorted.

    >>> normalise_rows([[2, "b"], [1.0000000001, "a"]]) == normalise_rows([[1, "a"], [2.0, "b"]])
    True
    """
    import json

    return sorted(json.dumps(_norm(to_plain(r), digits), sort_keys=True) for r in rows)
