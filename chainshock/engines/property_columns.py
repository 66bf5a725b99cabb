"""Property columns of the projection: JSON property maps decoded and typed, column by column.

Split from :mod:`chainshock.engines.property_graph`. A column of canonical
JSON property maps is decoded in one pass by arrow's JSON reader when it
can be, else row by row through :func:`chainshock.graph.records.decode_json`
(the read side's one JSON decoder); estimates flatten into
``k_low/k_base/k_high/k_basis``; every column gets its engine type.

Examples
--------
>>> flatten_properties({"market_share": {"low": 0.5, "base": 0.6, "high": 0.7,
...                     "basis": "x", "estimate": True}, "lag_quarters": 1})
{'market_share_low': 0.5, 'market_share_base': 0.6, 'market_share_high': 0.7, 'market_share_basis': 'x', 'lag_quarters': 1}
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pa_json

from chainshock.graph.records import decode_json

from .property_tables import _ARROW, _EST, Column, ColumnType, _schema

__all__ = ["flatten_properties"]

def _is_estimate(value: Any) -> bool:
    return isinstance(value, Mapping) and "low" in value and "base" in value and "high" in value


def flatten_properties(props: Mapping[str, Any]) -> dict[str, Any]:
    """Flatten estimates into ``k_low/k_base/k_high/k_basis``; keep the rest.

    Nested maps that are not estimates, and lists of non-strings, become
    canonical JSON strings (neither engine stores nested maps as properties).
    """
    out: dict[str, Any] = {}
    for key, value in props.items():
        if _is_estimate(value):
            for p in _EST:
                out[f"{key}_{p}"] = float(value[p])
            out[f"{key}_basis"] = value.get("basis")
        elif isinstance(value, Mapping) or (
            isinstance(value, list | tuple) and not all(isinstance(v, str) for v in value)
        ):
            out[key] = json.dumps(value, sort_keys=True, separators=(",", ":"))
        elif isinstance(value, tuple):
            out[key] = list(value)
        else:
            out[key] = value
    return out


def _flatten_column(key: str, values: list[Any]) -> dict[str, list[Any]]:
    """One property across all rows, flattened as :func:`flatten_properties` does.

    The common case, every present value an estimate, takes four list
    comprehensions; anything else goes value by value.
    """
    kinds = set(map(type, values))
    kinds.discard(type(None))
    if not kinds & {dict, list, tuple}:
        return {key: values}  # scalars stay as they are
    if kinds == {dict} and all(_is_estimate(v) for v in values if v is not None):
        out = {
            f"{key}_{p}": [None if v is None else float(v[p]) for v in values] for p in _EST
        }
        out[f"{key}_basis"] = [None if v is None else v.get("basis") for v in values]
        return out
    n = len(values)
    cols: dict[str, list[Any]] = {}
    for i, v in enumerate(values):
        for k, x in flatten_properties({key: v}).items():
            if k not in cols:
                cols[k] = [None] * n
            cols[k][i] = x
    return cols


def _decode_properties(texts: pa.ChunkedArray | pa.Array) -> dict[str, Column]:
    """A column of canonical-JSON property maps as flattened columns.

    Arrow's JSON reader parses the column in one pass when every property is
    a scalar, a list of strings or an estimate; anything else (nested maps,
    lists of numbers, a key whose type changes between rows) is decoded row
    by row with :func:`~chainshock.graph.records.decode_json`. Both give the same columns.
    """
    texts = texts.combine_chunks() if isinstance(texts, pa.ChunkedArray) else texts
    fast = _decode_with_arrow(texts)
    return fast if fast is not None else _decode_with_python(texts)


def _has_timestamp(t: pa.DataType) -> bool:
    if pa.types.is_timestamp(t):
        return True
    return any(_has_timestamp(t.field(i).type) for i in range(t.num_fields))


def _decode_with_arrow(texts: pa.Array) -> dict[str, Column] | None:
    n = len(texts)
    if n == 0:
        return {}
    # One line per row: each text with a newline appended, read straight from
    # the string array's data buffer (no Python string of the whole column).
    lines = pc.binary_join_element_wise(pc.fill_null(texts, "{}"), "", "\n")
    width = np.int64 if pa.types.is_large_string(lines.type) else np.int32
    offsets = np.frombuffer(lines.buffers()[1], dtype=width, count=n + 1, offset=lines.offset * np.dtype(width).itemsize)
    data = lines.buffers()[2][int(offsets[0]) : int(offsets[-1])]
    read = pa_json.ReadOptions(block_size=max(1 << 20, data.size + 1), use_threads=True)
    try:
        table = pa_json.read_json(pa.BufferReader(data), read_options=read)
        # Arrow reads ISO dates as timestamps; the projection keeps strings.
        stamps = [f for f in table.schema if pa.types.is_timestamp(f.type)]
        if stamps:
            parse = pa_json.ParseOptions(
                explicit_schema=pa.schema([(f.name, pa.string()) for f in stamps]),
                unexpected_field_behavior="infer",
            )
            table = pa_json.read_json(pa.BufferReader(data), read_options=read, parse_options=parse)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return None
    if table.num_rows != n:
        return None
    out: dict[str, Column] = {}
    for f in table.schema:
        col = table.column(f.name).combine_chunks()
        t = f.type
        if _has_timestamp(t):
            return None
        if pa.types.is_struct(t):
            names = {t.field(i).name for i in range(t.num_fields)}
            if not {"low", "base", "high"} <= names:
                return None
            parts = {p: pc.struct_field(col, p) for p in _EST}
            # Every map present must be a whole estimate; a partial one is a plain map.
            whole = pc.and_(pc.and_(pc.is_valid(parts["low"]), pc.is_valid(parts["base"])), pc.is_valid(parts["high"]))
            if not pc.all(pc.equal(pc.is_valid(col), whole)).as_py():
                return None
            for p in _EST:
                if not (pa.types.is_integer(parts[p].type) or pa.types.is_floating(parts[p].type)):
                    return None
                out[f"{f.name}_{p}"] = parts[p].cast(pa.float64())
            basis = pc.struct_field(col, "basis") if "basis" in names else pa.nulls(n, pa.string())
            if not (pa.types.is_string(basis.type) or pa.types.is_null(basis.type)):
                return None
            out[f"{f.name}_basis"] = basis
        elif pa.types.is_list(t):
            if not (pa.types.is_string(t.value_type) or pa.types.is_null(t.value_type)):
                return None
            out[f.name] = col
        elif pa.types.is_nested(t):
            return None
        else:
            out[f.name] = col
    return out


def _decode_with_python(texts: pa.Array) -> dict[str, Column]:
    decoded = [decode_json(t) for t in texts.to_pylist()]
    keys: dict[str, None] = {}
    for d in decoded:
        keys.update(dict.fromkeys(d))
    out: dict[str, Column] = {}
    for key in keys:
        out.update(_flatten_column(key, [d.get(key) for d in decoded]))
    return out


def _infer(values: Iterable[Any]) -> ColumnType:
    kinds = {type(v) for v in values if v is not None}
    if not kinds:
        return "STRING"
    if kinds == {bool}:
        return "BOOLEAN"
    if kinds == {int}:
        return "INT64"
    if kinds <= {int, float}:
        return "DOUBLE"
    if kinds == {list}:
        return "STRING[]"
    if kinds == {dt.date}:
        return "DATE"
    return "STRING"


def _coerce(value: Any, kind: ColumnType) -> Any:
    """A value as the column's type (None stays None)."""
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN from pandas means missing
        return None
    if kind == "STRING":
        return value if isinstance(value, str) else json.dumps(value, default=str)
    if kind == "DOUBLE":
        return float(value)
    if kind == "INT64":
        return int(value)
    if kind == "BOOLEAN":
        return bool(value)
    if kind == "DATE":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, pd.Timestamp):
            return value.date()
        return dt.date.fromisoformat(str(value)[:10])
    if kind == "STRING[]":
        return [str(v) for v in value]
    raise ValueError(f"unknown column type {kind}")


_PY_TYPE: dict[ColumnType, type] = {
    "STRING": str,
    "DOUBLE": float,
    "INT64": int,
    "BOOLEAN": bool,
    "DATE": dt.date,
    "STRING[]": list,
}
_RENAMES = {"Contract": {"start": "start_date", "end": "end_date"}}



def _typed_array(values: Column, kind: ColumnType) -> pa.Array | pa.ChunkedArray:
    """``values`` as an arrow array of the column's type.

    Arrow columns of the right type pass through; Python lists whose values
    all have the column's Python type convert in one call; anything else is
    coerced value by value (ints in a DOUBLE column, ISO strings in a DATE
    column, lists of non-strings in a STRING[] column...).
    """
    target = _ARROW[kind]
    if isinstance(values, pa.Array | pa.ChunkedArray):
        if values.type == target:
            return values
        try:
            return values.cast(target)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
            values = values.to_pylist()
    py = _PY_TYPE[kind]
    kinds = set(map(type, values))
    kinds.discard(type(None))
    if (
        kinds <= {py}
        and not (kind == "STRING[]" and any(type(x) is not str for v in values if v for x in v))
        and not (kind == "DOUBLE" and any(v != v for v in values if v is not None))
    ):
        return pa.array(values, type=target)
    return pa.array([_coerce(v, kind) for v in values], type=target)


def _assemble(
    base: Mapping[str, ColumnType], data: Mapping[str, Column], n: int
) -> tuple[dict[str, ColumnType], pa.Table]:
    """Base columns in order (missing ones null), then extras sorted and typed from their values."""
    columns = dict(base)
    for k in sorted(set(data) - set(base) - {"from", "to"}):
        v = data[k]
        columns[k] = _infer(v.to_pylist() if isinstance(v, pa.Array | pa.ChunkedArray) else v)
    arrays = []
    for k, kind in columns.items():
        v = data.get(k)
        arrays.append(pa.nulls(n, _ARROW[kind]) if v is None else _typed_array(v, kind))
    return columns, pa.table(arrays, schema=_schema(columns))

