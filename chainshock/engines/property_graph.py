"""The property-graph projection of a snapshot that both Cypher engines load.

The snapshot keeps properties as canonical JSON; a Cypher engine needs typed,
flat properties. This module turns the five snapshot tables into node tables
(one per label) and relationship tables (one per type), each with a fixed,
typed column list, so the embedded engine gets a DDL schema and Neo4j gets
the same property names and values. One projection, two loaders: that is
what lets one query library return the same rows on both engines.

Rules of the projection:

- An estimate ``{low, base, high, basis}`` under key ``k`` becomes four
  properties ``k_low``, ``k_base``, ``k_high``, ``k_basis``.
- Contract dates are ``start_date``/``end_date`` (``end`` is a Cypher
  keyword; avoiding it keeps queries unquoted on both engines).
- Every label and type has a fixed base column list, so a library query never
  names a property one engine lacks (the embedded engine refuses unknown
  properties, Neo4j returns null); keys the data adds beyond it are kept,
  typed from their values.
- Evidence rows become ``Evidence`` nodes (``subject_id`` names the edge,
  fact or node they support) with ``CITES`` to their ``Source``; facts become
  ``Fact`` nodes with ``HAS_FACT`` from the company and ``REPORTED_IN`` to the
  source. Every relationship has an ``id``.

Examples
--------
>>> flatten_properties({"market_share": {"low": 0.5, "base": 0.6, "high": 0.7,
...                     "basis": "x", "estimate": True}, "lag_quarters": 1})
{'market_share_low': 0.5, 'market_share_base': 0.6, 'market_share_high': 0.7, 'market_share_basis': 'x', 'lag_quarters': 1}
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pa_json
import pyarrow.parquet as pq

from chainshock.graph.snapshot import Snapshot

__all__ = [
    "NODE_COLUMNS",
    "PROJECTION_VERSION",
    "REL_COLUMNS",
    "REL_ENDPOINTS",
    "ColumnType",
    "NodeTable",
    "PropertyGraph",
    "RelTable",
    "flatten_properties",
    "project",
    "project_arrow",
    "project_snapshot",
    "project_tables",
    "read_tables",
]

# Bump when the projection changes shape: the embedded database is rebuilt.
PROJECTION_VERSION = 2

ColumnType = str  # one of STRING, DOUBLE, INT64, BOOLEAN, DATE, STRING[]
# A column while the projection assembles it: arrow as read, or Python values.
Column: TypeAlias = "pa.Array | pa.ChunkedArray | list[Any]"

_EST = ("low", "base", "high")


def _estimate_columns(key: str) -> dict[str, ColumnType]:
    cols: dict[str, ColumnType] = {f"{key}_{p}": "DOUBLE" for p in _EST}
    cols[f"{key}_basis"] = "STRING"
    return cols


NODE_COLUMNS: dict[str, dict[str, ColumnType]] = {
    "Company": {
        "id": "STRING",
        "name": "STRING",
        "roles": "STRING[]",
        "ticker": "STRING",
        "exchange": "STRING",
        "cik": "STRING",
        "country": "STRING",
        "aliases": "STRING[]",
        "segment": "BOOLEAN",
        "resolved": "BOOLEAN",
        **_estimate_columns("pass_through"),
        **_estimate_columns("cost_base_usd"),
    },
    "Product": {
        "id": "STRING",
        "name": "STRING",
        "category": "STRING",
        "unit": "STRING",
        **_estimate_columns("market_size_usd"),
    },
    "Contract": {
        "id": "STRING",
        "name": "STRING",
        "kind": "STRING",
        "start_date": "DATE",
        "end_date": "DATE",
        "announced": "DATE",
        **_estimate_columns("value_usd"),
        "capacity_mw": "DOUBLE",
        "description": "STRING",
    },
    "Index": {
        "id": "STRING",
        "name": "STRING",
        "weighting": "STRING",
        "country": "STRING",
        "base_index": "STRING",
    },
    "Country": {"id": "STRING", "name": "STRING", "iso": "STRING"},
    "Source": {
        "id": "STRING",
        "name": "STRING",
        "kind": "STRING",
        "title": "STRING",
        "url": "STRING",
        "publisher": "STRING",
        "accession": "STRING",
        "form": "STRING",
        "cik": "STRING",
        "filed": "DATE",
        "as_of": "DATE",
        "reliability": "STRING",
    },
    "Evidence": {
        "id": "STRING",
        "subject_id": "STRING",
        "source_id": "STRING",
        "locator": "STRING",
        "quote": "STRING",
        "method": "STRING",
        "confidence": "DOUBLE",
        "as_of": "DATE",
    },
    "Fact": {
        "id": "STRING",
        "company": "STRING",
        "metric": "STRING",
        "fiscal_year": "INT64",
        "fiscal_period": "STRING",
        "period_start": "DATE",
        "period_end": "DATE",
        "value": "DOUBLE",
        "unit": "STRING",
        "source_id": "STRING",
        "concept": "STRING",
        "estimate": "BOOLEAN",
        **_estimate_columns("estimate"),
    },
}

REL_COLUMNS: dict[str, dict[str, ColumnType]] = {
    "SUPPLIES": {
        "id": "STRING",
        "product": "STRING",
        **_estimate_columns("cost_share"),
        **_estimate_columns("capex_share"),
        **_estimate_columns("revenue_share"),
        "lag_quarters": "INT64",
    },
    "PRODUCES": {"id": "STRING", **_estimate_columns("market_share")},
    "USES": {"id": "STRING", **_estimate_columns("cost_share"), "lag_quarters": "INT64"},
    "PARTY_TO": {"id": "STRING", "role": "STRING"},
    "COVERS": {
        "id": "STRING",
        **_estimate_columns("fixed_share"),
        "price_terms": "STRING",
        "volume": "STRING",
    },
    "CONSTITUENT_OF": {"id": "STRING", **_estimate_columns("weight"), "as_of": "DATE"},
    "LOCATED_IN": {"id": "STRING"},
    "INVESTS_IN": {"id": "STRING", **_estimate_columns("amount_usd"), **_estimate_columns("stake")},
    "PARTNERS_WITH": {"id": "STRING", "relation": "STRING"},
    "CITES": {"id": "STRING"},
    "HAS_FACT": {"id": "STRING"},
    "REPORTED_IN": {"id": "STRING"},
}

# (from label, to label) pairs each relationship type may join.
# Nodes and relationships that evidence can support carry the ids of their
# Evidence nodes, so a query reaches them by primary key (an index seek on
# both engines) instead of joining on Evidence.subject_id, which the embedded
# engine can only do by scanning every Evidence node.
for _label, _cols in NODE_COLUMNS.items():
    if _label not in ("Evidence", "Source"):
        _cols["evidence_ids"] = "STRING[]"
for _type, _cols in REL_COLUMNS.items():
    if _type != "CITES":
        _cols["evidence_ids"] = "STRING[]"

REL_ENDPOINTS: dict[str, tuple[tuple[str, str], ...]] = {
    "SUPPLIES": (("Company", "Company"),),
    "PRODUCES": (("Company", "Product"),),
    "USES": (("Company", "Product"),),
    "PARTY_TO": (("Company", "Contract"),),
    "COVERS": (("Contract", "Product"),),
    "CONSTITUENT_OF": (("Company", "Index"),),
    "LOCATED_IN": (("Company", "Country"),),
    "INVESTS_IN": (("Company", "Company"),),
    "PARTNERS_WITH": (("Company", "Company"),),
    "CITES": (("Evidence", "Source"),),
    "HAS_FACT": (("Company", "Fact"),),
    "REPORTED_IN": (("Fact", "Source"),),
}

_ARROW: dict[ColumnType, pa.DataType] = {
    "STRING": pa.string(),
    "DOUBLE": pa.float64(),
    "INT64": pa.int64(),
    "BOOLEAN": pa.bool_(),
    "DATE": pa.date32(),
    "STRING[]": pa.list_(pa.string()),
}


def _schema(columns: Mapping[str, ColumnType]) -> pa.Schema:
    return pa.schema([(name, _ARROW[t]) for name, t in columns.items()])


@dataclass(frozen=True)
class NodeTable:
    """All nodes of one label: typed columns (``id`` first) as an arrow table.

    The table is what the bulk paths (``COPY``, ``neo4j-admin``) load;
    :attr:`rows` gives it as dicts for the ``UNWIND`` loader.
    """

    label: str
    columns: dict[str, ColumnType]
    table: pa.Table

    @classmethod
    def from_rows(cls, label: str, columns: dict[str, ColumnType], rows: list[dict[str, Any]]) -> NodeTable:
        """A table from row dicts (values already of their column's type)."""
        return cls(label, columns, pa.Table.from_pylist(rows, schema=_schema(columns)))

    def __len__(self) -> int:
        return self.table.num_rows

    @property
    def rows(self) -> list[dict[str, Any]]:
        """The nodes as ``{column: value}`` dicts (dates as ``datetime.date``)."""
        return self.table.to_pylist()

    def arrow(self) -> pa.Table:
        """The rows as an arrow table in column order (for bulk loading)."""
        return self.table


@dataclass(frozen=True)
class RelTable:
    """All relationships of one type between one pair of labels.

    The arrow table has ``from`` and ``to`` (node ids) then the columns.
    """

    type: str
    from_label: str
    to_label: str
    columns: dict[str, ColumnType]
    table: pa.Table

    @classmethod
    def from_rows(
        cls,
        rtype: str,
        from_label: str,
        to_label: str,
        columns: dict[str, ColumnType],
        rows: list[dict[str, Any]],
    ) -> RelTable:
        """A table from row dicts holding ``from``, ``to`` and the columns."""
        schema = _schema({"from": "STRING", "to": "STRING", **columns})
        return cls(rtype, from_label, to_label, columns, pa.Table.from_pylist(rows, schema=schema))

    def __len__(self) -> int:
        return self.table.num_rows

    @property
    def rows(self) -> list[dict[str, Any]]:
        """The relationships as dicts with ``from``, ``to`` and the columns."""
        return self.table.to_pylist()

    def arrow(self) -> pa.Table:
        """``from``, ``to`` then the columns, as an arrow table."""
        return self.table


@dataclass(frozen=True)
class PropertyGraph:
    """A snapshot as typed node and relationship tables."""

    content_hash: str
    nodes: dict[str, NodeTable] = field(default_factory=dict)
    rels: list[RelTable] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Rows per label and per relationship type."""
        out = {label: len(t) for label, t in self.nodes.items()}
        for r in self.rels:
            out[r.type] = out.get(r.type, 0) + len(r)
        return out

    def rel_types(self) -> dict[str, list[RelTable]]:
        by_type: dict[str, list[RelTable]] = {}
        for r in self.rels:
            by_type.setdefault(r.type, []).append(r)
        return by_type


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
    by row with :func:`json.loads`. Both give the same columns.
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
    filled = pc.fill_null(texts, "{}")
    body = pc.binary_join(pa.ListArray.from_arrays(pa.array([0, n], pa.int32()), filled), "\n")
    data = body[0].as_py().encode()
    read = pa_json.ReadOptions(block_size=max(1 << 20, len(data) + 1), use_threads=True)
    try:
        table = pa_json.read_json(io.BytesIO(data), read_options=read)
        # Arrow reads ISO dates as timestamps; the projection keeps strings.
        stamps = [f for f in table.schema if pa.types.is_timestamp(f.type)]
        if stamps:
            parse = pa_json.ParseOptions(
                explicit_schema=pa.schema([(f.name, pa.string()) for f in stamps]),
                unexpected_field_behavior="infer",
            )
            table = pa_json.read_json(io.BytesIO(data), read_options=read, parse_options=parse)
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
    decoded = [json.loads(t) if t else {} for t in texts.to_pylist()]
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


class _EvidenceIndex:
    """Evidence ids (subject id plus rank within the subject) and lists of them per subject."""

    def __init__(self, evidence: pa.Table):
        subject = evidence.column("subject_id").combine_chunks()
        n = len(subject)
        order = pc.sort_indices(subject).to_numpy()  # stable: ranks follow the table order
        ordered = subject.take(order)
        if n:
            changes = np.flatnonzero(
                pc.not_equal(ordered[1:], ordered[:-1]).to_numpy(zero_copy_only=False)
            ) + 1
            starts = np.concatenate([[0], changes])
        else:
            starts = np.zeros(0, dtype=np.int64)
        group_start = np.zeros(n, dtype=np.int64)
        group_start[starts] = starts
        ranks_sorted = np.arange(n) - np.maximum.accumulate(group_start) if n else group_start
        ids_sorted = pc.binary_join_element_wise(
            "evidence:", ordered, "#", pc.cast(pa.array(ranks_sorted), pa.string()), ""
        )
        ids = np.empty(n, dtype=object)
        ids[order] = ids_sorted.to_numpy(zero_copy_only=False)
        self.ids = pa.array(ids, type=pa.string())
        self.subjects = ordered.take(pa.array(starts, type=pa.int64()))
        offsets = np.concatenate([starts, [n, n]]).astype(np.int32)
        # One more (empty) list at the end for subjects with no evidence.
        self.lists = pa.ListArray.from_arrays(pa.array(offsets), ids_sorted)

    def for_subjects(self, subjects: pa.Array | pa.ChunkedArray) -> pa.Array:
        """The evidence ids of each subject, in rank order; ``[]`` when it has none."""
        pos = pc.index_in(subjects, value_set=self.subjects)
        pos = pc.fill_null(pos, len(self.subjects))
        return self.lists.take(pos)


def _take(table: pa.Table, mask: pa.Array | pa.ChunkedArray) -> pa.Table:
    return table.filter(mask)


def _plain_strings(table: pa.Table) -> pa.Table:
    """``large_string`` columns (pandas may give them) as ``string``, lists too."""
    fields = []
    for f in table.schema:
        t = f.type
        if pa.types.is_large_string(t) or pa.types.is_null(t):
            t = pa.string()
        elif pa.types.is_list(t) or pa.types.is_large_list(t):
            t = pa.list_(pa.string() if pa.types.is_large_string(t.value_type) else t.value_type)
        fields.append(pa.field(f.name, t))
    schema = pa.schema(fields)
    return table if schema == table.schema else table.cast(schema)


def project_arrow(tables: Mapping[str, pa.Table], content_hash: str = "") -> PropertyGraph:
    """Project snapshot tables (arrow, as stored in the snapshot) to a property graph.

    Column by column: JSON properties are decoded once per row and every
    other step is an arrow or numpy operation, so the projection of a
    million-edge snapshot takes seconds.

    Parameters
    ----------
    tables : mapping of str to pyarrow.Table
        ``nodes``, ``edges``, ``evidence``, ``facts``, ``sources``.
    content_hash : str
        The snapshot's content hash, kept so a database built from it can
        tell when it is stale.

    Returns
    -------
    PropertyGraph
    """
    nodes_t, edges_t, evidence_t, facts_t, sources_t = (
        _plain_strings(tables[name]) for name in ("nodes", "edges", "evidence", "facts", "sources")
    )
    ev = _EvidenceIndex(evidence_t)

    node_data: dict[str, tuple[dict[str, Column], int]] = {}
    for label in sorted(set(pc.unique(nodes_t.column("label")).to_pylist())):
        part = _take(nodes_t, pc.equal(nodes_t.column("label"), label))
        props = _decode_properties(part.column("properties"))
        for old, new in _RENAMES.get(label, {}).items():
            if old in props:
                props[new] = props.pop(old)
        props.pop("roles", None)
        data: dict[str, Column] = {"id": part.column("id"), "name": part.column("name"), **props}
        data["id"], data["name"] = part.column("id"), part.column("name")
        data["evidence_ids"] = ev.for_subjects(part.column("id"))
        if label == "Company":
            roles = part.column("roles")
            if pa.types.is_list(roles.type):
                data["roles"] = pc.fill_null(roles, pa.scalar([], roles.type))
            else:
                data["roles"] = [list(r) if r is not None else [] for r in roles.to_pylist()]
        node_data[label] = (data, part.num_rows)

    sources: dict[str, Column] = {c: sources_t.column(c) for c in sources_t.column_names}
    sources["name"] = sources_t.column("title")
    node_data["Source"] = (sources, sources_t.num_rows)

    ev_nodes: dict[str, Column] = {"id": ev.ids}
    ev_nodes.update({c: evidence_t.column(c) for c in evidence_t.column_names})
    node_data["Evidence"] = (ev_nodes, evidence_t.num_rows)

    facts: dict[str, Column] = {c: facts_t.column(c) for c in facts_t.column_names}
    est = facts_t.column("estimate")
    facts["estimate"] = pc.is_valid(est)
    facts["evidence_ids"] = ev.for_subjects(facts_t.column("id"))
    decoded = [json.loads(t) if t else None for t in est.to_pylist()]
    if any(decoded):
        facts.update(_flatten_column("estimate", decoded))
        facts["estimate"] = pc.is_valid(est)
    node_data["Fact"] = (facts, facts_t.num_rows)

    # Every node id with its label: what an edge's ends may name.
    all_ids = pa.concat_arrays(
        [nodes_t.column("id").combine_chunks(), sources_t.column("id").combine_chunks()]
    )
    all_labels = pa.concat_arrays(
        [nodes_t.column("label").combine_chunks(), pa.array(["Source"] * sources_t.num_rows, pa.string())]
    )

    def label_of(ids: pa.Array | pa.ChunkedArray) -> pa.Array:
        return all_labels.take(pc.index_in(ids, value_set=all_ids))

    rel_data: dict[tuple[str, str, str], tuple[dict[str, Column], int]] = {}
    src_l, dst_l = label_of(edges_t.column("source")), label_of(edges_t.column("target"))
    keyed = edges_t.append_column("_src", src_l).append_column("_dst", dst_l)
    # A validated snapshot has no edge to a missing node; never invent an endpoint.
    keyed = keyed.filter(pc.and_(pc.is_valid(src_l), pc.is_valid(dst_l)))
    combos = keyed.select(["type", "_src", "_dst"]).group_by(["type", "_src", "_dst"]).aggregate([])
    for rtype, src, dst in zip(*(combos.column(c).to_pylist() for c in ("type", "_src", "_dst")), strict=True):
        part = keyed.filter(
            pc.and_(pc.and_(pc.equal(keyed["type"], rtype), pc.equal(keyed["_src"], src)), pc.equal(keyed["_dst"], dst))
        )
        props = _decode_properties(part.column("properties"))
        for k in ("from", "to"):
            props.pop(k, None)
        rdata: dict[str, Column] = {**props, "from": part.column("source"), "to": part.column("target"),
                                    "id": part.column("id"), "evidence_ids": ev.for_subjects(part.column("id"))}
        rel_data[(rtype, src, dst)] = (rdata, part.num_rows)

    known = pc.is_in(evidence_t.column("source_id"), value_set=all_ids)
    cites = pa.table({"from": ev.ids, "to": evidence_t.column("source_id"), "id": ev.ids}).filter(known)
    rel_data[("CITES", "Evidence", "Source")] = ({c: cites.column(c) for c in cites.column_names}, cites.num_rows)
    fact_ev = facts["evidence_ids"]
    fact_t = facts_t.append_column("_ev", fact_ev)
    has = fact_t.filter(pc.equal(label_of(facts_t.column("company")), "Company"))
    rel_data[("HAS_FACT", "Company", "Fact")] = (
        {"from": has.column("company"), "to": has.column("id"), "id": has.column("id"), "evidence_ids": has.column("_ev")},
        has.num_rows,
    )
    rep = fact_t.filter(pc.is_in(facts_t.column("source_id"), value_set=all_ids))
    rel_data[("REPORTED_IN", "Fact", "Source")] = (
        {"from": rep.column("id"), "to": rep.column("source_id"), "id": rep.column("id"), "evidence_ids": rep.column("_ev")},
        rep.num_rows,
    )

    nodes: dict[str, NodeTable] = {}
    for label in [*NODE_COLUMNS, *sorted(set(node_data) - set(NODE_COLUMNS))]:
        data, n = node_data.get(label, ({}, 0))
        base = NODE_COLUMNS.get(label, {"id": "STRING", "name": "STRING"})
        columns, table = _assemble(base, data, n)
        nodes[label] = NodeTable(label, columns, table)

    # Always one table for every known (type, pair), empty or not, so the
    # embedded schema is the same for every snapshot.
    for rtype, pairs in REL_ENDPOINTS.items():
        for src, dst in pairs:
            rel_data.setdefault((rtype, src, dst), ({}, 0))
    assembled: list[tuple[str, str, str, dict[str, ColumnType], pa.Table, pa.Table]] = []
    for (rtype, src, dst), (data, n) in sorted(rel_data.items()):
        columns, props = _assemble(REL_COLUMNS.get(rtype, {"id": "STRING"}), data, n)
        ends = pa.table({"from": _typed_array(data.get("from", pa.nulls(n, pa.string())), "STRING"),
                         "to": _typed_array(data.get("to", pa.nulls(n, pa.string())), "STRING")})
        assembled.append((rtype, src, dst, columns, ends, props))
    # A type's column list must be one list across its pairs (one DDL table).
    merged: dict[str, dict[str, ColumnType]] = {}
    for rtype, _, _, columns, _, _ in assembled:
        for k, t in columns.items():
            merged.setdefault(rtype, {}).setdefault(k, t)
    rels: list[RelTable] = []
    for rtype, src, dst, _, ends, props in assembled:
        columns = merged[rtype]
        n = props.num_rows
        arrays = [ends.column("from"), ends.column("to")]
        for k, kind in columns.items():
            arrays.append(
                _typed_array(props.column(k), kind) if k in props.column_names else pa.nulls(n, _ARROW[kind])
            )
        schema = _schema({"from": "STRING", "to": "STRING", **columns})
        rels.append(RelTable(rtype, src, dst, columns, pa.table(arrays, schema=schema)))
    return PropertyGraph(content_hash=content_hash, nodes=nodes, rels=rels)


def project_tables(tables: Mapping[str, pd.DataFrame], content_hash: str = "") -> PropertyGraph:
    """Project snapshot tables as pandas frames (as from :func:`records_to_tables`).

    See :func:`project_arrow`, which this calls after converting each frame
    to arrow (missing values become nulls).
    """
    arrow = {
        name: pa.Table.from_pandas(tables[name], preserve_index=False)
        for name in ("nodes", "edges", "evidence", "facts", "sources")
    }
    return project_arrow(arrow, content_hash)


def project(snapshot: Snapshot) -> PropertyGraph:
    """Project an opened snapshot (see :func:`project_arrow`)."""
    tables = {name: snapshot.table(name) for name in ("nodes", "edges", "evidence", "facts", "sources")}
    return project_tables(tables, snapshot.content_hash)


def project_snapshot(snapshot_path: Path) -> PropertyGraph:
    """The projection of the snapshot at ``snapshot_path``, read as arrow (no pandas).

    Raises
    ------
    SnapshotError
        When there is no snapshot there, or it has another schema version.
    """
    from chainshock.errors import SnapshotError
    from chainshock.graph.integrity import TABLES, check_snapshot
    from chainshock.graph.schema import SCHEMA_VERSION

    # sizes always, hashes on a version's first open; the link resolved once
    folder, manifest = check_snapshot(snapshot_path, TABLES)
    snapshot_path = folder
    if manifest.get("schema_version") != SCHEMA_VERSION:
        raise SnapshotError(
            f"snapshot at {snapshot_path} has schema version {manifest.get('schema_version')}, "
            f"this chainshock reads {SCHEMA_VERSION}; rebuild with `chainshock build`"
        )
    try:
        tables = read_tables(Path(snapshot_path))
    except (OSError, pa.ArrowException) as e:
        raise SnapshotError(f"cannot read the snapshot at {snapshot_path} ({e}); rebuild with `chainshock build`") from None
    return project_arrow(tables, str(manifest.get("content_hash", "")))


def read_tables(snapshot_path: Path) -> dict[str, pa.Table]:
    """The snapshot's five tables straight from its parquet files (no pandas)."""
    return {
        name: pq.read_table(snapshot_path / f"{name}.parquet")
        for name in ("nodes", "edges", "evidence", "facts", "sources")
    }
