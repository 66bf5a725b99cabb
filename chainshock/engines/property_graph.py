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
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pyarrow as pa

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
    "project_tables",
]

# Bump when the projection changes shape: the embedded database is rebuilt.
PROJECTION_VERSION = 2

ColumnType = str  # one of STRING, DOUBLE, INT64, BOOLEAN, DATE, STRING[]

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


@dataclass(frozen=True)
class NodeTable:
    """All nodes of one label: typed columns (``id`` first) and rows."""

    label: str
    columns: dict[str, ColumnType]
    rows: list[dict[str, Any]]

    def arrow(self) -> pa.Table:
        """The rows as an arrow table in column order (for bulk loading)."""
        return _arrow_table(self.columns, self.rows)


@dataclass(frozen=True)
class RelTable:
    """All relationships of one type between one pair of labels.

    Each row has ``from`` and ``to`` (node ids) plus the columns.
    """

    type: str
    from_label: str
    to_label: str
    columns: dict[str, ColumnType]
    rows: list[dict[str, Any]]

    def arrow(self) -> pa.Table:
        """``from``, ``to`` then the columns, as an arrow table."""
        cols: dict[str, ColumnType] = {"from": "STRING", "to": "STRING", **self.columns}
        return _arrow_table(cols, self.rows)


@dataclass(frozen=True)
class PropertyGraph:
    """A snapshot as typed node and relationship tables."""

    content_hash: str
    nodes: dict[str, NodeTable] = field(default_factory=dict)
    rels: list[RelTable] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Rows per label and per relationship type."""
        out = {label: len(t.rows) for label, t in self.nodes.items()}
        for r in self.rels:
            out[r.type] = out.get(r.type, 0) + len(r.rows)
        return out

    def rel_types(self) -> dict[str, list[RelTable]]:
        by_type: dict[str, list[RelTable]] = {}
        for r in self.rels:
            by_type.setdefault(r.type, []).append(r)
        return by_type


def _arrow_table(columns: Mapping[str, ColumnType], rows: list[dict[str, Any]]) -> pa.Table:
    schema = pa.schema([(name, _ARROW[t]) for name, t in columns.items()])
    data = {name: [row.get(name) for row in rows] for name in columns}
    return pa.Table.from_pydict(data, schema=schema)


def _is_estimate(value: Any) -> bool:
    return isinstance(value, Mapping) and {"low", "base", "high"} <= set(value)


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


def _typed(
    base: Mapping[str, ColumnType], rows: list[dict[str, Any]]
) -> tuple[dict[str, ColumnType], list[dict[str, Any]]]:
    """Fix the column list (base first, then extras sorted) and coerce rows."""
    extras: dict[str, list[Any]] = {}
    for row in rows:
        for k, v in row.items():
            if k not in base and k not in ("from", "to"):
                extras.setdefault(k, []).append(v)
    columns = dict(base)
    for k in sorted(extras):
        columns[k] = _infer(extras[k])
    # Most values already have their column's type: check with `type() is`
    # and call _coerce only for the rest (this loop runs once per cell).
    plan = [(k, t, _PY_TYPE[t]) for k, t in columns.items()]
    typed = []
    for row in rows:
        out = {}
        for k, t, py in plan:
            v = row.get(k)
            out[k] = v if v is None or type(v) is py else _coerce(v, t)
        if "from" in row:
            out["from"] = row["from"]
            out["to"] = row["to"]
        typed.append(out)
    return columns, typed


_PY_TYPE: dict[ColumnType, type] = {
    "STRING": str,
    "DOUBLE": float,
    "INT64": int,
    "BOOLEAN": bool,
    "DATE": dt.date,
    "STRING[]": list,
}
_RENAMES = {"Contract": {"start": "start_date", "end": "end_date"}}


def _records(frame: pd.DataFrame) -> Iterator[dict[str, Any]]:
    # Missing values (NaN, NaT, None) become None column by column, not cell by cell.
    clean = frame.astype(object).where(frame.notna(), None)
    for row in clean.to_dict("records"):
        yield {str(k): v for k, v in row.items()}


def project_tables(tables: Mapping[str, pd.DataFrame], content_hash: str = "") -> PropertyGraph:
    """Project snapshot tables (as from :func:`records_to_tables`) to a property graph.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        ``nodes``, ``edges``, ``evidence``, ``facts``, ``sources``.
    content_hash : str
        The snapshot's content hash, kept so a database built from it can
        tell when it is stale.

    Returns
    -------
    PropertyGraph
    """
    node_rows: dict[str, list[dict[str, Any]]] = {label: [] for label in NODE_COLUMNS}
    label_of: dict[str, str] = {}
    # Evidence ids: subject id plus the row's rank within its subject, in the
    # snapshot's sorted order, so they are stable across builds.
    evidence_rows: list[dict[str, Any]] = []
    ev_ids: dict[str, list[str]] = {}
    for rec in _records(tables["evidence"]):
        ids = ev_ids.setdefault(rec["subject_id"], [])
        ev_id = f"evidence:{rec['subject_id']}#{len(ids)}"
        ids.append(ev_id)
        evidence_rows.append({"id": ev_id, **rec})
    for rec in _records(tables["nodes"]):
        label = rec["label"]
        props = flatten_properties(json.loads(rec["properties"] or "{}"))
        for old, new in _RENAMES.get(label, {}).items():
            if old in props:
                props[new] = props.pop(old)
        props.pop("roles", None)
        row = {"id": rec["id"], "name": rec["name"], **props, "evidence_ids": ev_ids.get(rec["id"], [])}
        if label == "Company":
            row["roles"] = list(rec["roles"]) if rec["roles"] is not None else []
        node_rows.setdefault(label, []).append(row)
        label_of[rec["id"]] = label
    for rec in _records(tables["sources"]):
        row = dict(rec)
        row["name"] = rec.get("title")
        node_rows["Source"].append(row)
        label_of[rec["id"]] = "Source"

    cites: list[dict[str, Any]] = []
    for row in evidence_rows:
        node_rows["Evidence"].append(row)
        if row["source_id"] in label_of:
            cites.append({"from": row["id"], "to": row["source_id"], "id": row["id"]})

    has_fact: list[dict[str, Any]] = []
    reported_in: list[dict[str, Any]] = []
    for rec in _records(tables["facts"]):
        row = dict(rec)
        est = row.pop("estimate", None)
        row["estimate"] = est is not None
        row["evidence_ids"] = ev_ids.get(rec["id"], [])
        if est:
            row.update(flatten_properties({"estimate": json.loads(est)}))
        node_rows["Fact"].append(row)
        facts_ev = ev_ids.get(rec["id"], [])
        if label_of.get(rec["company"]) == "Company":
            has_fact.append({"from": rec["company"], "to": rec["id"], "id": rec["id"], "evidence_ids": facts_ev})
        if rec["source_id"] in label_of:
            reported_in.append(
                {"from": rec["id"], "to": rec["source_id"], "id": rec["id"], "evidence_ids": facts_ev}
            )

    rel_rows: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for rec in _records(tables["edges"]):
        props = flatten_properties(json.loads(rec["properties"] or "{}"))
        src, dst = label_of.get(rec["source"]), label_of.get(rec["target"])
        if src is None or dst is None:
            continue  # a validated snapshot has none; never invent an endpoint
        row = {"from": rec["source"], "to": rec["target"], **props, "id": rec["id"],
               "evidence_ids": ev_ids.get(rec["id"], [])}
        rel_rows.setdefault((rec["type"], src, dst), []).append(row)
    for key, rows in (
        (("CITES", "Evidence", "Source"), cites),
        (("HAS_FACT", "Company", "Fact"), has_fact),
        (("REPORTED_IN", "Fact", "Source"), reported_in),
    ):
        rel_rows[key] = rows

    nodes: dict[str, NodeTable] = {}
    for label, rows in node_rows.items():
        columns, typed = _typed(NODE_COLUMNS.get(label, {"id": "STRING", "name": "STRING"}), rows)
        nodes[label] = NodeTable(label, columns, typed)

    rels: list[RelTable] = []
    # Always one table for every known (type, pair), empty or not, so the
    # embedded schema is the same for every snapshot.
    for rtype, pairs in REL_ENDPOINTS.items():
        for src, dst in pairs:
            rel_rows.setdefault((rtype, src, dst), [])
    for (rtype, src, dst), rows in sorted(rel_rows.items()):
        base = REL_COLUMNS.get(rtype, {"id": "STRING"})
        columns, typed = _typed(base, rows)
        rels.append(RelTable(rtype, src, dst, columns, typed))
    # A type's column list must be one list across its pairs (one DDL table).
    by_type: dict[str, dict[str, ColumnType]] = {}
    n_pairs: dict[str, int] = {}
    for r in rels:
        merged = by_type.setdefault(r.type, {})
        n_pairs[r.type] = n_pairs.get(r.type, 0) + 1
        for k, t in r.columns.items():
            merged.setdefault(k, t)
    rels = [
        r
        if n_pairs[r.type] == 1
        else RelTable(
            r.type,
            r.from_label,
            r.to_label,
            by_type[r.type],
            [{k: row.get(k) for k in ("from", "to", *by_type[r.type])} for row in r.rows],
        )
        for r in rels
    ]
    return PropertyGraph(content_hash=content_hash, nodes=nodes, rels=rels)


def project(snapshot: Snapshot) -> PropertyGraph:
    """Project an opened snapshot (see :func:`project_tables`)."""
    tables = {name: snapshot.table(name) for name in ("nodes", "edges", "evidence", "facts", "sources")}
    return project_tables(tables, snapshot.content_hash)
