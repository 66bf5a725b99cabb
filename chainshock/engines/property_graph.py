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
  source. Every relationship has an ``id`` (the embedded database leaves out
  the ``id`` of ``CITES``, its evidence's id: ``EMBEDDED_OMIT``).

The projection is three modules: :mod:`~chainshock.engines.property_tables`
(the schema and the table containers), :mod:`~chainshock.engines.property_columns`
(JSON property maps decoded and typed column by column) and this one (the
snapshot's tables assembled into a :class:`PropertyGraph`), which re-exports
the public names of the other two.

Examples
--------
>>> flatten_properties({"market_share": {"low": 0.5, "base": 0.6, "high": 0.7,
...                     "basis": "x", "estimate": True}, "lag_quarters": 1})
{'market_share_low': 0.5, 'market_share_base': 0.6, 'market_share_high': 0.7, 'market_share_basis': 'x', 'lag_quarters': 1}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from chainshock.graph.records import decode_json
from chainshock.graph.snapshot import Snapshot

from .property_columns import (
    _RENAMES,
    _assemble,
    _decode_properties,
    _flatten_column,
    _typed_array,
    flatten_properties,
)
from .property_tables import (
    _ARROW,
    NODE_COLUMNS,
    PROJECTION_VERSION,
    REL_COLUMNS,
    REL_ENDPOINTS,
    Column,
    ColumnType,
    NodeTable,
    PropertyGraph,
    RelTable,
    _schema,
)

__all__ = [
    "NODE_COLUMNS",
    "PROJECTION_VERSION",
    "REL_COLUMNS",
    "REL_ENDPOINTS",
    "ColumnType",
    "NodeStage",
    "NodeTable",
    "PropertyGraph",
    "RelTable",
    "flatten_properties",
    "project",
    "project_arrow",
    "project_nodes",
    "project_rels",
    "project_snapshot",
    "project_tables",
    "read_tables",
    "snapshot_tables",
]

class _EvidenceIndex:
    """Evidence ids (subject id plus rank within the subject) and lists of them per subject."""

    def __init__(self, evidence: pa.Table):
        subject = evidence.column("subject_id").combine_chunks()
        n = len(subject)
        # A snapshot stores evidence sorted by subject: then the order is the
        # table's own and nothing is sorted or permuted.
        in_order = n < 2 or (subject.null_count == 0 and not pc.any(pc.less(subject[1:], subject[:-1])).as_py())
        order = None if in_order else pc.sort_indices(subject).to_numpy()  # stable: ranks follow the table
        ordered = subject if order is None else subject.take(order)
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
        if order is None:
            self.ids = ids_sorted
        else:  # back to the table's order: row order[i] holds ids_sorted[i]
            inverse = np.empty(n, dtype=np.int64)
            inverse[order] = np.arange(n)
            self.ids = ids_sorted.take(pa.array(inverse))
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
    stage = project_nodes(tables)
    return PropertyGraph(content_hash=content_hash, nodes=stage.nodes, rels=project_rels(stage))


@dataclass(frozen=True)
class NodeStage:
    """The node tables of a projection, and what its relationships are built from."""

    nodes: dict[str, NodeTable]
    tables: dict[str, pa.Table]  # the snapshot's tables, strings as ``string``
    evidence: _EvidenceIndex
    fact_evidence: Column


def project_nodes(tables: Mapping[str, pa.Table]) -> NodeStage:
    """The first half of :func:`project_arrow`: every node table.

    A loader can fill the node tables while :func:`project_rels` builds the
    relationships (the embedded build does).
    """
    plain = {name: _plain_strings(tables[name]) for name in ("nodes", "edges", "evidence", "facts", "sources")}
    nodes_t, evidence_t, facts_t, sources_t = (plain[n] for n in ("nodes", "evidence", "facts", "sources"))
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
    decoded = [decode_json(t) if t else None for t in est.to_pylist()]
    if any(decoded):
        facts.update(_flatten_column("estimate", decoded))
        facts["estimate"] = pc.is_valid(est)
    node_data["Fact"] = (facts, facts_t.num_rows)

    nodes: dict[str, NodeTable] = {}
    for label in [*NODE_COLUMNS, *sorted(set(node_data) - set(NODE_COLUMNS))]:
        data, n = node_data.get(label, ({}, 0))
        base = NODE_COLUMNS.get(label, {"id": "STRING", "name": "STRING"})
        columns, table = _assemble(base, data, n)
        nodes[label] = NodeTable(label, columns, table)

    return NodeStage(nodes, plain, ev, facts["evidence_ids"])


def project_rels(stage: NodeStage) -> list[RelTable]:
    """The second half of :func:`project_arrow`: every relationship table."""
    nodes_t, edges_t, evidence_t, facts_t, sources_t = (
        stage.tables[name] for name in ("nodes", "edges", "evidence", "facts", "sources")
    )
    ev = stage.evidence
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
    fact_t = facts_t.append_column("_ev", stage.fact_evidence)
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
    return rels


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
    tables, content_hash = snapshot_tables(snapshot_path)
    return project_arrow(tables, content_hash)


def snapshot_tables(snapshot_path: Path) -> tuple[dict[str, pa.Table], str]:
    """The snapshot's five tables (checked, as arrow) and its content hash.

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
    return tables, str(manifest.get("content_hash", ""))


def read_tables(snapshot_path: Path) -> dict[str, pa.Table]:
    """The snapshot's five tables straight from its parquet files (no pandas)."""
    return {
        name: pq.read_table(snapshot_path / f"{name}.parquet")
        for name in ("nodes", "edges", "evidence", "facts", "sources")
    }
