"""The typed tables of the property-graph projection: schema, node and relationship tables.

Split from :mod:`chainshock.engines.property_graph` (which re-exports these
names): the fixed column list of every label and relationship type, their
arrow types, and the :class:`NodeTable`, :class:`RelTable` and
:class:`PropertyGraph` containers both engines load.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import pyarrow as pa

__all__ = [
    "EMBEDDED_OMIT",
    "NODE_COLUMNS",
    "PROJECTION_VERSION",
    "REL_COLUMNS",
    "REL_ENDPOINTS",
    "ColumnType",
    "NodeTable",
    "PropertyGraph",
    "RelTable",
]

# Bump when the projection changes shape: the embedded database is rebuilt.
PROJECTION_VERSION = 3

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

# Columns the embedded database leaves out: ladybug stores a relationship's
# properties once per direction and copies strings slowly, and no library
# query reads these (a CITES id is its evidence's id, ``startNode(r).id``).
# Neo4j keeps them (its loaders MERGE relationships on ``id``).
EMBEDDED_OMIT: dict[str, tuple[str, ...]] = {"CITES": ("id",)}

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

