"""First loads into an empty local Neo4j with the offline bulk importer.

The ``MERGE`` loader (:func:`chainshock.engines.neo4j_store.load_graph`) works
against any server and is idempotent, but every row is a lookup plus a write
through the transaction log: about 10,000 relationships/s on two cores.
``neo4j-admin database import full`` writes the store files directly and is
several times faster, at a price: it needs the server stopped and an empty
(overwritten) database. So this path only serves a *first* load into the
local server that ``chainshock neo4j start`` runs (we own its process, its
data directory and its configuration):

1. check the server is ours and its ``neo4j`` database holds no node;
2. write the projection as CSV with typed headers, one file per label and
   per relationship table (``:ID``, ``:LABEL``, ``:START_ID``, ``:END_ID``,
   ``:TYPE``, ``id:string``, ``cost_share_base:double``, ``roles:string[]``,
   ...), under the server's import directory. Nodes get their store ids
   here (``--id-type=actual``: 0..n-1, relationship ends looked up with
   arrow's ``index_in``), which spares the importer its string-id map;
3. stop the server, run the importer with ``--overwrite-destination``,
   start the server again on the same port (the ``system`` database, and so
   the password, is untouched);
4. create the same uniqueness constraints and indexes as the MERGE loader
   (in one transaction, populated while the empty lists are restored).

The result is the same graph the MERGE loader builds (same labels, types,
property names, types and values; the integration tests compare them), so a
later ``chainshock neo4j load`` (MERGE) finds every id and changes nothing.

CSV conventions, chosen so the importer's reading equals Cypher's ``SET n =
row`` of the same row: a missing value (None) is an empty, unquoted field,
so the importer stores no property, like ``SET`` with the key left out;
every string is quoted, so an empty string stays an empty string; lists are
joined with an array delimiter that no list item contains.

Examples
--------
>>> node_header("Company", {"id": "STRING", "name": "STRING", "roles": "STRING[]"})
[':ID', 'id:string', 'name:string', 'roles:string[]', ':LABEL']
>>> rel_header("SUPPLIES", "Company", "Company", {"id": "STRING", "lag_quarters": "INT64"})
[':START_ID', ':END_ID', 'id:string', 'lag_quarters:long', ':TYPE']
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from chainshock.errors import BackendError

from .neo4j_store import (
    LoadReport,
    Neo4jSettings,
    _apply_schema,
    _name,
    _schema_statements,
    _write,
    connect,
    graph_counts,
)
from .property_graph import ColumnType, PropertyGraph

__all__ = [
    "ImportFiles",
    "bulk_load",
    "import_arguments",
    "node_header",
    "rel_header",
    "write_import_csv",
]

_NEO4J_TYPE: dict[ColumnType, str] = {
    "STRING": "string",
    "DOUBLE": "double",
    "INT64": "long",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "STRING[]": "string[]",
}
# Tried in order; the first that no list item contains joins list values.
_ARRAY_DELIMITERS = (";", "|", "\x1f", "\x1e")
_DATABASE = "neo4j"  # Community can only import into (and serve) its default database


@dataclass
class ImportFiles:
    """The CSV files of one import and the importer options they need."""

    nodes: list[Path] = field(default_factory=list)
    relationships: list[Path] = field(default_factory=list)
    array_delimiter: str = ";"
    multiline: bool = False


def _typed_name(name: str, kind: ColumnType) -> str:
    _name(name)  # a property name the header syntax cannot misread
    return f"{name}:{_NEO4J_TYPE[kind]}"


def node_header(label: str, columns: Mapping[str, ColumnType]) -> list[str]:
    """The importer header of a node file.

    ``:ID`` is the node's store id (``--id-type=actual``, numbered by
    :func:`write_import_csv`); the chainshock ``id`` is an ordinary string
    property, as the MERGE loader stores it.
    """
    _name(label)
    return [":ID", *(_typed_name(k, t) for k, t in columns.items()), ":LABEL"]


def rel_header(rtype: str, from_label: str, to_label: str, columns: Mapping[str, ColumnType]) -> list[str]:
    """The importer header of a relationship file (endpoints as store ids)."""
    for n in (rtype, from_label, to_label):
        _name(n)
    props = [_typed_name(k, t) for k, t in columns.items()]
    return [":START_ID", ":END_ID", *props, ":TYPE"]


def _array_delimiter(tables: list[pa.Table]) -> str:
    items = [
        pc.list_flatten(col)
        for t in tables
        for col in t.columns
        if pa.types.is_list(col.type)
    ]
    for delim in _ARRAY_DELIMITERS:
        if not any(len(i) and pc.any(pc.match_substring(i, delim)).as_py() for i in items):
            return delim
    raise BackendError("every array delimiter the importer could use occurs in list values: load without --bulk")


def _has_newlines(table: pa.Table) -> bool:
    for col in table.columns:
        if pa.types.is_string(col.type) and len(col) and pc.any(
            pc.match_substring_regex(col, "[\\r\\n]")
        ).as_py():
            return True
        if pa.types.is_list(col.type) and len(col):
            flat = pc.list_flatten(col)
            if len(flat) and pc.any(pc.match_substring_regex(flat, "[\\r\\n]")).as_py():
                return True
    return False


def _csv_ready(table: pa.Table, delim: str, constant: str) -> pa.Table:
    """Lists joined with ``delim``; a constant last column (the label or type)."""
    cols = []
    for col in table.columns:
        cols.append(pc.binary_join(col, delim) if pa.types.is_list(col.type) else col)
    cols.append(pa.array([constant] * table.num_rows, pa.string()))
    return pa.table(cols, names=[*table.column_names, "__const__"])


def _write_csv(path: Path, header: list[str], table: pa.Table) -> None:
    with open(path, "wb") as fh:
        fh.write((",".join(header) + "\n").encode())
        # "needed" quotes every string value (so "" stays an empty string)
        # and nothing else; nulls are empty fields (no property).
        pacsv.write_csv(
            table, fh, pacsv.WriteOptions(include_header=False, quoting_style="needed")
        )


class _DelimiterChanged(Exception):
    def __init__(self, delimiter: str):
        super().__init__(delimiter)
        self.delimiter = delimiter


def write_import_csv(graph: PropertyGraph, folder: Path) -> ImportFiles:
    """Write ``graph`` as importer CSV files into ``folder``; empty tables are skipped.

    Parameters
    ----------
    graph : PropertyGraph
    folder : Path
        Created if missing.

    Returns
    -------
    ImportFiles
        Paths and the options (array delimiter, multi-line fields) to import them with.
    """
    try:
        return _write_files(graph, folder, None)
    except _DelimiterChanged as changed:  # a relationship list holds the nodes' delimiter
        return _write_files(graph, folder, changed.delimiter)


def _write_files(graph: PropertyGraph, folder: Path, delimiter: str | None) -> ImportFiles:
    folder.mkdir(parents=True, exist_ok=True)
    files = ImportFiles()
    node_tables = [(t, t.arrow()) for t in graph.nodes.values() if len(t)]
    # Relationship tables are built while the node files are written: arrow
    # writes CSV outside the GIL, so the two overlap on two cores.
    with ThreadPoolExecutor(max_workers=2) as pool:
        writes = []
        rel_arrows = pool.submit(lambda: [(t, t.arrow()) for t in graph.rels if len(t)])
        files.array_delimiter = delimiter or _array_delimiter([a for _, a in node_tables])
        # Store ids 0..n-1 numbered here (--id-type=actual) spare the importer
        # its string-id map: a sort of every id, then a lookup per endpoint.
        numbered: dict[str, tuple[pa.Array, int]] = {}
        offset = 0
        for i, (nt, table) in enumerate(node_tables):
            files.multiline = files.multiline or _has_newlines(table)
            numbered[nt.label] = (table.column("id").combine_chunks(), offset)
            store_ids = pa.array(np.arange(offset, offset + table.num_rows, dtype=np.int64))
            offset += table.num_rows
            path = folder / f"nodes-{i:02d}-{nt.label}.csv"
            ready = _csv_ready(table, files.array_delimiter, nt.label).add_column(0, "__store_id__", store_ids)
            writes.append(pool.submit(_write_csv, path, node_header(nt.label, nt.columns), ready))
            files.nodes.append(path)
        rel_tables = rel_arrows.result()
        rel_delimiter = _array_delimiter([a for _, a in node_tables] + [a for _, a in rel_tables])
        if delimiter is None and rel_delimiter != files.array_delimiter:
            raise _DelimiterChanged(rel_delimiter)
        for i, (rt, table) in enumerate(rel_tables):
            ends = []
            for col, label in (("from", rt.from_label), ("to", rt.to_label)):
                if label not in numbered:
                    ends.append(pa.nulls(table.num_rows, pa.int64()))
                    continue
                ids, first = numbered[label]
                pos = pc.index_in(table.column(col), value_set=ids)
                ends.append(pc.add(pc.cast(pos, pa.int64()), first))
            table = table.set_column(0, "from", ends[0]).set_column(1, "to", ends[1])
            # Like the MERGE loader's MATCH on both ends: no relationship to a missing node.
            table = table.filter(pc.and_(pc.is_valid(ends[0]), pc.is_valid(ends[1])))
            if not table.num_rows:
                continue
            files.multiline = files.multiline or _has_newlines(table)
            path = folder / f"rels-{i:02d}-{rt.type}-{rt.from_label}-{rt.to_label}.csv"
            header = rel_header(rt.type, rt.from_label, rt.to_label, rt.columns)
            writes.append(pool.submit(_write_csv, path, header, _csv_ready(table, files.array_delimiter, rt.type)))
            files.relationships.append(path)
        for w in writes:
            w.result()
    return files


def import_arguments(files: ImportFiles, report: Path, max_off_heap: str = "2g") -> list[str]:
    """``neo4j-admin`` arguments importing ``files`` over the ``neo4j`` database.

    Examples
    --------
    >>> args = import_arguments(ImportFiles([Path("n.csv")], [Path("r.csv")]), Path("rep"))
    >>> args[:5], args[-1]
    (['database', 'import', 'full', 'neo4j', '--overwrite-destination=true'], '--relationships=r.csv')
    """
    delim = files.array_delimiter
    if not delim.isprintable():
        delim = f"U+{ord(delim):04X}"
    # The database name goes first: --nodes/--relationships take several
    # files each and would swallow a trailing positional argument.
    args = [
        "database", "import", "full", _DATABASE, "--overwrite-destination=true",
        f"--array-delimiter={delim}",
        "--id-type=actual",
        "--bad-tolerance=0",  # the projection never has dangling ends or duplicate ids: fail loudly
        f"--report-file={report}",
        f"--max-off-heap-memory={max_off_heap}",
    ]
    if files.multiline:
        args.append("--multiline-fields=true")
    args += [f"--nodes={p}" for p in files.nodes]
    args += [f"--relationships={p}" for p in files.relationships]
    return args


def _empty_list_fixes(graph: PropertyGraph) -> list[tuple[str, dict[str, Any]]]:
    """Cypher that gives empty lists back to the properties the importer left out.

    The importer reads an empty array field as "no property", while ``SET n =
    row`` stores ``[]``. Where a list column is never None, every missing
    value was an empty list and one label- (type-) wide statement restores
    them; otherwise the rows are named by id.
    """
    out: list[tuple[str, dict[str, Any]]] = []
    targets: list[tuple[str, str, str, list[pa.Table]]] = [
        ("node", t.label, col, [t.table]) for t in graph.nodes.values()
        for col, kind in t.columns.items() if kind == "STRING[]" and len(t)
    ]
    for rtype, tables in graph.rel_types().items():
        cols = {c for t in tables for c, kind in t.columns.items() if kind == "STRING[]"}
        filled = [t.table for t in tables if len(t)]
        targets += [("rel", rtype, col, filled) for col in sorted(cols) if filled]
    for kind, name, col, parts in targets:
        pattern = f"(x:{_name(name)})" if kind == "node" else f"()-[x:{_name(name)}]->()"
        prop = _name(col)
        values = [p.column(col) for p in parts if col in p.column_names]
        ids = [p.column("id") for p in parts if col in p.column_names]
        empty_masks = [pc.fill_null(pc.equal(pc.list_value_length(v), 0), False) for v in values]
        n_empty = sum(pc.sum(m).as_py() or 0 for m in empty_masks)
        if not n_empty:
            continue
        if all(v.null_count == 0 for v in values) and len(values) == len(parts):
            out.append((
                f"MATCH {pattern} WHERE x.{prop} IS NULL "
                f"CALL (x) {{ SET x.{prop} = [] }} IN TRANSACTIONS OF 250000 ROWS",
                {},
            ))
        else:
            empty = [i for idc, m in zip(ids, empty_masks, strict=True) for i in idc.filter(m).to_pylist()]
            out.append((
                f"UNWIND $ids AS id MATCH {pattern} WHERE x.id = id "
                f"CALL (x) {{ SET x.{prop} = [] }} IN TRANSACTIONS OF 250000 ROWS",
                {"ids": empty},
            ))
    return out


def _count_nodes(settings: Neo4jSettings) -> int:
    driver = connect(settings)
    try:
        with driver.session(database=settings.database) as session:
            return int(session.execute_read(lambda tx: tx.run("MATCH (n) RETURN count(n)").single()[0]))
    finally:
        driver.close()


def _tail(text: str, limit: int = 600) -> str:
    """The importer's messages without Java stack frames, shortened."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("at ")]
    return " | ".join(lines)[-limit:]


def bulk_load(
    settings: Neo4jSettings,
    graph: PropertyGraph,
    *,
    log: Callable[[str], None] | None = None,
    heap: str = "2g",
    max_off_heap: str = "2g",
) -> LoadReport:
    """Load ``graph`` into the empty local Neo4j with ``neo4j-admin database import``.

    Parameters
    ----------
    settings : Neo4jSettings
        Must point at the server ``chainshock neo4j start`` runs under this
        ``CHAINSHOCK_HOME``, database ``neo4j``.
    graph : PropertyGraph
    log : callable, optional
        Progress lines (never the password).
    heap, max_off_heap : str
        The importer's JVM heap and its off-heap memory cap.

    Returns
    -------
    LoadReport
        ``seconds`` covers everything: CSV files, stop, import, start, constraints.

    Raises
    ------
    BackendError
        If the server is not the local one, its database is not empty, or
        the importer fails (the server is started again, empty, either way).
    """
    from . import neo4j_server

    say = log or (lambda _m: None)
    started = time.perf_counter()
    info = neo4j_server.status()
    if not info.running or info.uri != settings.uri:
        raise BackendError(
            f"--bulk only loads into the local Neo4j that `chainshock neo4j start` runs "
            f"(under {neo4j_server.server_dir()}), and {settings.uri} is not it"
            f"{'' if info.running else ' (none runs here)'}: "
            "run `chainshock neo4j load` without --bulk for other servers"
        )
    if settings.database != _DATABASE:
        raise BackendError(f"--bulk imports into the database {_DATABASE!r} only, not {settings.database!r}")
    present = _count_nodes(settings)
    if present:
        raise BackendError(
            f"the local Neo4j already holds {present:,} nodes and --bulk only fills an empty database: "
            "run `chainshock neo4j load` without --bulk (idempotent, updates in place)"
        )
    folder = neo4j_server.server_dir()
    work = folder / "import" / f"chainshock-bulk-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    port = int(info.port or 0)
    restart = {"heap": info.heap or "auto", "pagecache": info.pagecache or "auto"}
    stages: dict[str, float] = {}
    failure = None
    try:
        # The server's shutdown (a checkpoint, then the JVM exit) takes
        # seconds of mostly waiting: write the CSV files meanwhile.
        say(f"stopping Neo4j (pid {info.pid}) for the offline import")
        stopper = threading.Thread(target=neo4j_server.stop, daemon=True)
        stopper.start()
        try:
            t0 = time.perf_counter()
            files = write_import_csv(graph, work)
            stages["csv"] = time.perf_counter() - t0
            say(f"wrote {len(files.nodes)} node and {len(files.relationships)} relationship CSV files "
                f"({time.perf_counter() - t0:.1f} s)")
            cmd, env = neo4j_server.admin_command(
                *import_arguments(files, work / "import.report", max_off_heap), heap=heap
            )
            stopper.join()
            if neo4j_server.status().running:
                failure = "the local Neo4j did not stop; nothing was imported"
                raise BackendError(failure)
            stages["stop_wait"] = time.perf_counter() - t0 - stages["csv"]  # beyond the CSV writing it overlaps
            say(f"Neo4j stopped ({time.perf_counter() - t0:.1f} s)")
            t0 = time.perf_counter()
            proc = subprocess.run(cmd, env=env, cwd=work, capture_output=True, text=True, check=False)
            (folder / "logs").mkdir(exist_ok=True)
            (folder / "logs" / "import.log").write_text(proc.stdout + proc.stderr)
            if proc.returncode != 0:
                failure = (
                    f"neo4j-admin database import failed (exit {proc.returncode}; "
                    f"{folder / 'logs' / 'import.log'}): {_tail(proc.stdout + proc.stderr)}"
                )
                # The database was empty before: drop the half-written store so
                # the server starts with an empty one again.
                for sub in ("databases", "transactions"):
                    shutil.rmtree(folder / "data" / sub / _DATABASE, ignore_errors=True)
            else:
                stages["import"] = time.perf_counter() - t0
                say(f"imported with neo4j-admin ({time.perf_counter() - t0:.1f} s)")
        finally:
            stopper.join()
            t0 = time.perf_counter()
            neo4j_server.start(port, heap=restart["heap"], pagecache=restart["pagecache"], log=say)
            stages["start"] = time.perf_counter() - t0
            say(f"Neo4j back on {settings.uri} ({time.perf_counter() - t0:.1f} s)")
        if failure:
            raise BackendError(failure)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    driver = connect(settings)
    try:
        t0 = time.perf_counter()
        # All constraints and indexes in one transaction: populated together,
        # one store scan per entity kind. Their population runs in the
        # background while the empty lists are restored (no index covers a
        # list property), then the load waits for them to be online.
        _apply_schema(driver, settings.database, _schema_statements(graph), wait_s=None)
        with driver.session(database=settings.database) as session:
            for query, params in _empty_list_fixes(graph):
                session.run(query, params).consume()  # CALL IN TRANSACTIONS needs an implicit transaction
        stages["empty_lists"] = time.perf_counter() - t0
        say(f"empty lists restored ({time.perf_counter() - t0:.1f} s)")
        t1 = time.perf_counter()
        _write(driver, settings.database, "CALL db.awaitIndexes(600)")
        stages["constraints"] = time.perf_counter() - t1  # the wait beyond the empty lists
        say(f"constraints and indexes online ({time.perf_counter() - t1:.1f} s more)")
        counts = graph_counts(driver, settings.database)
    finally:
        driver.close()
    sent: dict[str, Any] = graph.counts()
    return LoadReport(
        sent=sent,
        counts=counts,
        removed={},
        seconds=time.perf_counter() - started,
        relationships=sum(len(t) for t in graph.rels),
        stages={k: round(v, 3) for k, v in stages.items()},
    )
