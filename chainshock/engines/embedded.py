"""The embedded Cypher engine: a ladybug file database built from the snapshot.

``chainshock cypher`` works with no server: the first query builds
``$CHAINSHOCK_HOME/cypher/graph.lbug`` from the snapshot (a DDL schema from
:mod:`chainshock.engines.property_graph`, then one bulk ``COPY`` per table from
the projection's arrow tables in memory, the node tables copied while the
relationships are projected) and records the snapshot's ``content_hash`` beside it; a later
query rebuilds only when that hash (or the projection version) changed.

Queries run on a database opened **read-only**: the engine itself refuses
any write (``CREATE``, ``SET``, ``DELETE``, ``MERGE``...). Statements that
read or write files outside the database even on a read-only database
(``COPY ... TO``, ``LOAD FROM``, ``EXPORT``, ``IMPORT``, ``INSTALL``,
``ATTACH``) are refused before they reach the engine, as is more than one
statement per call.

ladybug is the maintained fork of Kùzu (see ``docs/decisions.md``).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import warnings
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from chainshock.errors import BackendError
from chainshock.graph.integrity import TABLES, check_snapshot
from chainshock.home import home, snapshot_dir

# The projection (pandas, numpy) is imported only to build: a query on a
# current database needs ladybug and pyarrow's types, nothing more.
from .property_tables import (
    EMBEDDED_OMIT,
    PROJECTION_VERSION,
    ColumnType,
    NodeTable,
    PropertyGraph,
    RelTable,
)
from .result import MEMORY_MB, TIMEOUT_S, QueryResult, to_plain

__all__ = [
    "DB_NAME",
    "EmbeddedEngine",
    "build_database",
    "check_statement",
    "embedded_dir",
    "ensure_database",
    "strip_comments_and_strings",
]

DB_NAME = "graph.lbug"
_STAMP = "stamp.json"
# Buffer pools: ladybug defaults to ~80% of RAM; a CLI query needs little (result.MEMORY_MB).
_BUILD_POOL = 2 * 1024**3
_FILE_STATEMENTS = ("COPY", "LOAD", "EXPORT", "IMPORT", "INSTALL", "ATTACH", "DETACH", "USE")


def embedded_dir() -> Path:
    """Where the embedded database lives: ``$CHAINSHOCK_HOME/cypher``."""
    return home() / "cypher"


def _ladybug() -> Any:
    import ladybug

    return ladybug


def _q(name: str) -> str:
    return f"`{name}`"


def _ddl_type(t: ColumnType) -> str:
    return t  # the projection's type names are ladybug's


def _stamp(content_hash: str) -> dict[str, Any]:
    return {
        "content_hash": content_hash,
        "projection_version": PROJECTION_VERSION,
        "ladybug": str(getattr(_ladybug(), "__version__", "")),
    }


def build_database(graph: PropertyGraph, path: Path) -> None:
    """Create a ladybug database at ``path`` holding ``graph``.

    Node tables first (``PRIMARY KEY(id)``), then relationship tables, each
    filled by one ``COPY`` straight from the projection's arrow table (the
    engine scans it in place: no staging files, no row-by-row inserts).
    """
    _build(path, graph.nodes, lambda: graph.rels)


def _build(path: Path, nodes: Mapping[str, NodeTable], rels: Callable[[], list[RelTable]]) -> None:
    """Create the database at ``path`` from ``nodes`` and the relationships ``rels()`` returns.

    The node tables are copied on a second thread while ``rels()`` runs on
    this one: the engine's ``COPY`` releases the GIL, so on two cores the
    relationship projection costs no wall time of its own.
    """
    lb = _ladybug()
    if path.exists():
        path.unlink()
    db = lb.Database(str(path), buffer_pool_size=_BUILD_POOL, max_num_threads=2)
    conn = lb.Connection(db)
    try:
        for label, table in nodes.items():
            cols = ", ".join(f"{_q(c)} {_ddl_type(t)}" for c, t in table.columns.items())
            conn.execute(f"CREATE NODE TABLE {_q(label)}({cols}, PRIMARY KEY(id))")
        with ThreadPoolExecutor(1, thread_name_prefix="chainshock-copy") as pool:
            copying = pool.submit(_copy_nodes, conn, nodes)
            try:
                rel_tables = rels()
            finally:
                copying.result()  # the node COPY's error first: the relationships need the nodes
        by_type: dict[str, list[RelTable]] = {}
        for t in rel_tables:
            by_type.setdefault(t.type, []).append(t)
        for rtype, tables in by_type.items():
            pairs = ", ".join(f"FROM {_q(t.from_label)} TO {_q(t.to_label)}" for t in tables)
            omit = EMBEDDED_OMIT.get(rtype, ())
            cols = "".join(
                f", {_q(c)} {_ddl_type(t)}" for c, t in tables[0].columns.items() if c not in omit
            )
            conn.execute(f"CREATE REL TABLE {_q(rtype)}({pairs}{cols})")
        for rtype, tables in by_type.items():
            for t in tables:
                if len(t):
                    opts = f" (from='{t.from_label}', to='{t.to_label}')" if len(tables) > 1 else ""
                    arrow = t.arrow()
                    if EMBEDDED_OMIT.get(rtype):
                        arrow = arrow.drop_columns(list(EMBEDDED_OMIT[rtype]))
                    _copy_arrow(conn, _q(rtype), arrow, opts)
    except RuntimeError as e:
        raise BackendError(f"cannot build the embedded database at {path}: {_first_line(e)}") from e
    finally:
        conn.close()
        db.close()


def _copy_nodes(conn: Any, nodes: Mapping[str, NodeTable]) -> None:
    for label, table in nodes.items():
        if len(table):
            _copy_arrow(conn, _q(label), table.arrow())


def _copy_arrow(conn: Any, table_name: str, arrow_table: Any, options: str = "") -> None:
    """``COPY table_name FROM`` an arrow table in memory.

    ladybug resolves the name after ``FROM`` to the Python variable of that
    name in the calling frame (its replacement scan), so ``arrow_table``
    must be a local here.
    """
    conn.execute(f"COPY {table_name} FROM arrow_table{options}")


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _read_stamp(folder: Path) -> dict[str, Any]:
    try:
        return dict(json.loads((folder / _STAMP).read_text()))
    except (OSError, ValueError):
        return {}


def ensure_database(
    snapshot_path: Path | None = None,
    folder: Path | None = None,
    *,
    force: bool = False,
    log: Callable[[str], None] | None = None,
) -> Path:
    """The embedded database for the snapshot, (re)built if stale.

    Parameters
    ----------
    snapshot_path : Path, optional
        The snapshot directory (default ``$CHAINSHOCK_HOME/graph``).
    folder : Path, optional
        Where the database lives (default ``$CHAINSHOCK_HOME/cypher``).
    force : bool
        Rebuild even when the stamp matches.
    log : callable, optional
        Told when a (re)build starts.

    Returns
    -------
    Path
        The database file.
    """
    snapshot_path = Path(snapshot_path) if snapshot_path else snapshot_dir()
    folder = Path(folder) if folder else embedded_dir()
    # sizes always, hashes on a version's first open: a damaged snapshot fails here too
    _, manifest_doc = check_snapshot(snapshot_path, TABLES)
    content_hash = str(manifest_doc.get("content_hash", ""))
    db_path = folder / DB_NAME
    with _locked(folder):
        stamp = _read_stamp(folder)
        if not force and db_path.exists() and stamp == _stamp(content_hash):
            return db_path
        if log:
            log(f"building the embedded Cypher database from snapshot {content_hash} in {folder}")
        from .property_graph import project_nodes, project_rels, snapshot_tables

        tables, content_hash = snapshot_tables(snapshot_path)
        stage = project_nodes(tables)
        tmp = folder / f".{DB_NAME}.building-{os.getpid()}"
        try:
            _build(tmp, stage.nodes, lambda: project_rels(stage))
            (folder / _STAMP).unlink(missing_ok=True)
            os.replace(tmp, db_path)
            for stale in folder.glob(f"{DB_NAME}.wal"):
                stale.unlink()
            stamp_tmp = folder / f".{_STAMP}.{os.getpid()}"
            stamp_tmp.write_text(json.dumps(_stamp(content_hash), sort_keys=True) + "\n")
            os.replace(stamp_tmp, folder / _STAMP)
        finally:
            for leftover in folder.glob(f".{DB_NAME}.building-{os.getpid()}*"):
                leftover.unlink(missing_ok=True)
    return db_path


_TOKENS = re.compile(
    r"""//[^\n]*|/\*.*?\*/|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`[^`]*`""", re.DOTALL
)


def strip_comments_and_strings(query: str) -> str:
    """The query with comments removed and string/identifier literals blanked.

    >>> strip_comments_and_strings("MATCH (n) // note; x\\nWHERE n.name = 'a;b' RETURN n")
    "MATCH (n) \\nWHERE n.name = '' RETURN n"
    """

    def repl(m: re.Match[str]) -> str:
        tok = m.group(0)
        if tok.startswith(("//", "/*")):
            return ""
        return tok[0] + tok[0]

    return _TOKENS.sub(repl, query)


def check_statement(query: str) -> None:
    """Refuse what a read-only database would still let through.

    Raises
    ------
    BackendError
        For an empty query, several statements, or a file statement.
    """
    bare = strip_comments_and_strings(query).strip()
    body = bare.rstrip(";").strip()
    if not body:
        raise BackendError("the query is empty")
    if ";" in body:
        raise BackendError("one statement per query, please: remove the ';' between statements")
    first = body.split(None, 1)[0].upper()
    if first in _FILE_STATEMENTS or re.search(r"\bLOAD\s+(?:WITH\s+HEADERS\s*)?(?:\(|FROM)\b", body, re.I):
        raise BackendError(
            f"refused: `{first}` reads or writes files; chainshock cypher runs read-only graph queries"
        )


def _first_line(err: BaseException) -> str:
    return str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__


def _engine_error(err: BaseException, timeout: float = 0.0, memory_mb: int = MEMORY_MB) -> BackendError:
    text = str(err).strip()
    first = _first_line(err)
    if first == "Interrupted." and timeout:
        return BackendError(
            f"the query ran past its time limit ({timeout:g} s) and was stopped; narrow it "
            "(a LIMIT, fewer hops) or raise --timeout (0: no limit)"
        )
    if "buffer pool is full" in text:
        return BackendError(
            f"the query needs more memory than the embedded engine's cap ({memory_mb} MB) and was stopped; "
            "narrow it (a LIMIT, fewer hops) or raise --memory"
        )
    if "read-only" in text.lower():
        return BackendError(
            "refused: queries run in a read-only transaction and this one writes "
            f"(embedded engine: {first})"
        )
    lines = text.splitlines()
    caret = ""
    if len(lines) >= 3 and set(lines[-1].strip()) <= {"^"}:
        # The engine echoes the query and points at the error; keep the
        # column so the one-line message still says where.
        col = len(lines[-1]) - len(lines[-1].lstrip())
        caret = f" (column {col})"
    return BackendError(f"embedded engine: {first}{caret}")


class EmbeddedEngine:
    """A read-only connection to the embedded database.

    Examples
    --------
    >>> engine = EmbeddedEngine.open()          # doctest: +SKIP
    >>> engine.run("MATCH (c:Company) RETURN count(*) AS n").rows   # doctest: +SKIP
    [[16]]
    """

    name = "embedded"

    def __init__(self, db_path: Path, *, timeout: float = TIMEOUT_S, memory_mb: int = MEMORY_MB):
        lb = _ladybug()
        if timeout < 0 or memory_mb < 64:
            raise BackendError("--timeout must be 0 (no limit) or more, --memory at least 64 (MB)")
        self.timeout, self.memory_mb = timeout, memory_mb
        try:
            self._db = lb.Database(
                str(db_path), read_only=True, buffer_pool_size=memory_mb * 1024**2, max_num_threads=2
            )
        except RuntimeError as e:
            raise BackendError(
                f"cannot open the embedded database {db_path}: {_first_line(e)}; "
                "delete it and run the query again to rebuild"
            ) from e
        self._conn = lb.Connection(self._db)
        # One thread per query: the library's queries touch a few hundred
        # rows, where a second thread costs more in hand-off than it saves
        # (1-hop median 2.75 -> 1.44 ms at 100k edges on a busy 2-core machine).
        self._conn.set_max_threads_for_exec(1)
        self._timeout_ms: int | None = None  # the limit set on the connection
        self._prepared: dict[tuple[str, tuple[tuple[str, str], ...]], Any] = {}
        self.path = db_path

    @classmethod
    def open(
        cls,
        snapshot_path: Path | None = None,
        folder: Path | None = None,
        log: Callable[[str], None] | None = None,
        *,
        timeout: float = TIMEOUT_S,
        memory_mb: int = MEMORY_MB,
    ) -> EmbeddedEngine:
        """Build the database if stale, then open it read-only (each query bounded in time and memory)."""
        return cls(ensure_database(snapshot_path, folder, log=log), timeout=timeout, memory_mb=memory_mb)

    def run(
        self,
        query: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout: float | None = None,
    ) -> QueryResult:
        """Run one read-only statement with ``params`` passed as parameters.

        ``timeout`` (seconds) interrupts a query that runs longer; ``None``
        uses the engine's limit (``TIMEOUT_S`` unless opened with another),
        0 means no limit.
        """
        check_statement(query)
        limit = self.timeout if timeout is None else timeout
        millis = max(1, round(limit * 1000)) if limit else 0
        if millis != self._timeout_ms:  # a call into the engine per query otherwise
            self._conn.set_query_timeout(millis)
            self._timeout_ms = millis
        try:
            result = self._conn.execute(self._prepare(query, params or {}), dict(params or {}))
        except RuntimeError as e:
            raise _engine_error(e, limit, self.memory_mb) from e
        if isinstance(result, list):  # several statements slipped through
            raise BackendError("one statement per query, please")
        columns = list(result.get_column_names())
        rows = []
        while result.has_next():
            rows.append([to_plain(v) for v in result.get_next()])
        result.close()
        return QueryResult(columns=columns, rows=rows, engine=self.name, params=dict(params or {}))

    def _prepare(self, query: str, params: Mapping[str, Any]) -> Any:
        """The prepared statement for ``query``, parsed and planned once per engine.

        A repeated query (the library's, with new parameters) skips the
        parser and planner. The key holds the parameters' Python types (the
        engine types parameters when it prepares); at most 64 are kept.
        """
        key = (query, tuple(sorted((k, type(v).__name__) for k, v in params.items())))
        stmt = self._prepared.get(key)
        if stmt is None:
            with warnings.catch_warnings():
                # ladybug 0.22 marks prepare() deprecated in favour of execute(text),
                # which parses and plans on every call.
                warnings.simplefilter("ignore", DeprecationWarning)
                stmt = self._conn.prepare(query)
            if not stmt.is_success():
                raise RuntimeError(stmt.get_error_message())
            if len(self._prepared) >= 64:
                self._prepared.pop(next(iter(self._prepared)))
            self._prepared[key] = stmt
        return stmt

    def interrupt(self) -> None:
        """Ask the running query to stop (from another thread)."""
        self._conn.interrupt()

    def close(self) -> None:
        self._conn.close()
        self._db.close()

    def __enter__(self) -> EmbeddedEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
