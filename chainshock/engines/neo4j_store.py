"""Neo4j as a backend: connection settings, loading the snapshot, read queries.

Loading follows the usual Neo4j bulk pattern: ``UNWIND`` batches (columns
as parameters), one transaction per batch, two in flight. A first load into
a database without chainshock data ``CREATE``s the nodes, keeping their
element ids, then ``CREATE``s the relationships between element ids (grouped
by the end with fewer distinct nodes), then builds every uniqueness
constraint on ``id`` and query index in one transaction. A later load
creates the constraints first and ``MERGE``s on ``id``, so loading the same
snapshot twice changes nothing and loading a newer one updates properties
and removes what the snapshot no longer has.

Queries run in read transactions (``execute_read`` on a session opened with
``READ`` access), so the server itself refuses a query that writes.

The password comes from ``--password``, ``NEO4J_PASSWORD`` or the local
server's password file (``chainshock neo4j start``); it is never printed,
logged or put in an error message.
"""

from __future__ import annotations

import os
import re
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

from chainshock.errors import BackendError

from .property_graph import PropertyGraph
from .result import TIMEOUT_S, QueryResult, to_plain

__all__ = [
    "START_HINT",
    "LoadReport",
    "Neo4jEngine",
    "Neo4jSettings",
    "connect",
    "graph_counts",
    "load_graph",
    "resolve_settings",
]

START_HINT = (
    "start one with `chainshock neo4j start` (or `docker compose up -d neo4j`), "
    "or point NEO4J_URI/--uri at a running server"
)
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Neo4jSettings:
    """Where and how to connect. The password never appears in ``repr``."""

    uri: str
    user: str
    password: str = field(repr=False)
    database: str = "neo4j"
    origin: str = "defaults"  # which of flags/env/local server supplied the uri


def resolve_settings(
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
) -> Neo4jSettings:
    """Flags, then ``NEO4J_URI``/``NEO4J_USER``/``NEO4J_PASSWORD``, then the local server.

    The local server is the one ``chainshock neo4j start`` runs under
    ``$CHAINSHOCK_HOME/neo4j``: its URI and generated password file.
    """
    from .neo4j_server import local_connection

    local = local_connection()
    origin = "flags" if uri else "env" if os.environ.get("NEO4J_URI") else "local" if local else "defaults"
    uri = uri or os.environ.get("NEO4J_URI") or (local[0] if local else "bolt://127.0.0.1:7687")
    user = user or os.environ.get("NEO4J_USER") or "neo4j"
    if password is None:
        password = os.environ.get("NEO4J_PASSWORD")
    if password is None and local and local[0] == uri:
        password = local[1]
    if password is None:
        if not local and origin == "defaults":
            raise BackendError(f"no Neo4j configured: {START_HINT}, with NEO4J_PASSWORD set")
        raise BackendError(
            f"no Neo4j password for {uri}: set NEO4J_PASSWORD or pass --password "
            "(`chainshock neo4j start` keeps its own)"
        )
    database = database or os.environ.get("NEO4J_DATABASE") or "neo4j"
    return Neo4jSettings(uri=uri, user=user, password=password, database=database, origin=origin)


def _driver_errors() -> Any:
    from neo4j import exceptions

    return exceptions


def connect(settings: Neo4jSettings) -> Any:
    """A verified driver, or a :class:`BackendError` that says what to do."""
    import neo4j

    ex = _driver_errors()
    try:
        driver = neo4j.GraphDatabase.driver(
            settings.uri,
            auth=(settings.user, settings.password),
            notifications_min_severity="OFF",
            connection_timeout=10,
            max_transaction_retry_time=5,
        )
    except (ValueError, ex.ConfigurationError) as e:
        raise BackendError(f"bad Neo4j URI {settings.uri!r}: {e}") from None
    try:
        driver.verify_connectivity()
    except ex.AuthError:
        driver.close()
        raise BackendError(
            f"Neo4j at {settings.uri} refused user {settings.user!r}: wrong password; "
            "set NEO4J_PASSWORD or pass --password"
        ) from None
    except (ex.ServiceUnavailable, ex.SessionExpired, OSError) as e:
        driver.close()
        raise BackendError(f"cannot reach Neo4j at {settings.uri} ({_short(e)}); {START_HINT}") from None
    return driver


def _short(err: BaseException) -> str:
    text = getattr(err, "message", None) or str(err) or type(err).__name__
    return " ".join(str(text).split())[:200]


def _query_error(err: BaseException, uri: str) -> BackendError:
    ex = _driver_errors()
    if isinstance(err, ex.ServiceUnavailable | ex.SessionExpired):
        return BackendError(f"lost Neo4j at {uri} ({_short(err)}); {START_HINT}")
    if isinstance(err, ex.Neo4jError):
        code = err.code or ""
        message = " ".join((err.message or "").split())
        if code.endswith("AccessMode") or "read access mode" in message.lower():
            return BackendError(
                f"refused: queries run in a read-only transaction and this one writes (Neo4j: {message})"
            )
        if "TimedOut" in code or "Terminated" in code:
            return BackendError(
                "the query ran past its time limit and Neo4j stopped it; narrow it "
                f"(a LIMIT, fewer hops) or raise --timeout (0: no limit) (Neo4j: {message})"
            )
        if "SyntaxError" in code:
            return BackendError(f"Neo4j syntax error: {message}")
        return BackendError(f"Neo4j: {message} [{code}]")
    if isinstance(err, ex.DriverError):
        return BackendError(f"Neo4j driver: {_short(err)}")
    raise err


class Neo4jEngine:
    """Read-only queries on a Neo4j server."""

    name = "neo4j"

    def __init__(self, settings: Neo4jSettings, *, timeout: float = TIMEOUT_S):
        if timeout < 0:
            raise BackendError("--timeout must be 0 (no limit) or more")
        self.settings = settings
        self.timeout = timeout
        self._driver = connect(settings)

    def run(
        self,
        query: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout: float | None = None,
    ) -> QueryResult:
        """Run ``query`` in a read transaction with ``params`` as parameters.

        ``timeout`` (seconds) is the transaction timeout the server enforces;
        ``None`` uses the engine's limit (``TIMEOUT_S`` unless made with
        another), 0 means no limit.
        """
        import neo4j

        if not query.strip():
            raise BackendError("the query is empty")
        bound = dict(params or {})
        limit = self.timeout if timeout is None else timeout

        # the server's transaction timeout: Neo4j itself stops a runaway query
        @neo4j.unit_of_work(timeout=limit or None)
        def work(tx: Any) -> tuple[list[str], list[list[Any]]]:
            result = tx.run(query, bound)
            keys = list(result.keys())
            return keys, [[to_plain(v) for v in record.values()] for record in result]

        try:
            with self._driver.session(
                database=self.settings.database, default_access_mode=neo4j.READ_ACCESS
            ) as session:
                columns, rows = session.execute_read(work)
        except Exception as e:
            raise _query_error(e, self.settings.uri) from None
        return QueryResult(columns=columns, rows=rows, engine=self.name, params=bound)

    def close(self) -> None:
        self._driver.close()

    def __enter__(self) -> Neo4jEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class LoadReport:
    """What a load did: rows sent per label/type, counts after, and time."""

    sent: dict[str, int]
    counts: dict[str, int]
    removed: dict[str, int]
    seconds: float
    relationships: int
    stages: dict[str, float] = field(default_factory=dict)  # seconds per step, where a loader reports them


def _name(name: str) -> str:
    if not _NAME.match(name):
        raise BackendError(f"refusing label or type name {name!r}")
    return f"`{name}`"


def _batches(rows: Sequence[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), size):
        yield list(rows[i : i + size])


def _schema_statements(graph: PropertyGraph) -> list[str]:
    """Uniqueness constraints on ``id`` for every label and type, and the query indexes."""
    out = [
        f"CREATE CONSTRAINT chainshock_{label.lower()}_id IF NOT EXISTS "
        f"FOR (n:{_name(label)}) REQUIRE n.id IS UNIQUE"
        for label in graph.nodes
    ]
    out += [
        f"CREATE CONSTRAINT chainshock_rel_{rtype.lower()}_id IF NOT EXISTS "
        f"FOR ()-[r:{_name(rtype)}]-() REQUIRE r.id IS UNIQUE"
        for rtype in graph.rel_types()
    ]
    out.append(
        "CREATE INDEX chainshock_evidence_subject IF NOT EXISTS FOR (n:Evidence) ON (n.subject_id)"
    )
    out.append("CREATE INDEX chainshock_fact_metric IF NOT EXISTS FOR (n:Fact) ON (n.metric)")
    return out


def _apply_schema(driver: Any, database: str, statements: list[str], wait_s: int | None = 600) -> None:
    """Run ``statements`` in one transaction, then wait for their indexes (``wait_s=None``: don't).

    Indexes created together are populated together, by one scan of the
    store per entity kind, instead of one scan per index; one transaction
    also takes the schema lock once (concurrent schema transactions
    deadlocked before).
    """

    def work(tx: Any) -> None:
        for statement in statements:
            tx.run(statement).consume()

    with driver.session(database=database) as session:
        session.execute_write(work)
    if wait_s is not None:
        _write(driver, database, f"CALL db.awaitIndexes({int(wait_s)})")


def _write(driver: Any, database: str, query: str, **params: Any) -> Any:
    with driver.session(database=database) as session:
        return session.execute_write(lambda tx: tx.run(query, params).consume())


def _read_ids(driver: Any, database: str, query: str) -> set[str]:
    with driver.session(database=database) as session:
        return set(session.execute_read(lambda tx: [r[0] for r in tx.run(query)]))


def graph_counts(driver: Any, database: str = "neo4j") -> dict[str, int]:
    """Nodes per label and relationships per type, as Neo4j counts them."""
    out: dict[str, int] = {}
    with driver.session(database=database) as session:
        labels = session.execute_read(lambda tx: [r[0] for r in tx.run("CALL db.labels()")])
        types = session.execute_read(lambda tx: [r[0] for r in tx.run("CALL db.relationshipTypes()")])
        for label in labels:
            q = f"MATCH (n:{_name(label)}) RETURN count(n)"
            out[label] = session.execute_read(lambda tx, q=q: tx.run(q).single()[0])
        for rtype in types:
            q = f"MATCH ()-[r:{_name(rtype)}]->() RETURN count(r)"
            out[rtype] = session.execute_read(lambda tx, q=q: tx.run(q).single()[0])
    return {k: v for k, v in sorted(out.items()) if v}


def load_graph(
    driver: Any,
    graph: PropertyGraph,
    *,
    database: str = "neo4j",
    batch_size: int = 20_000,
    prune: bool = True,
    progress: Callable[[str, int, int], None] | None = None,
    uri: str = "",
    workers: int = 2,
) -> LoadReport:
    """Load ``graph`` into Neo4j idempotently.

    Parameters
    ----------
    driver : neo4j.Driver
    graph : PropertyGraph
    database : str
    batch_size : int
        Rows per ``UNWIND`` transaction.
    prune : bool
        Remove chainshock nodes and relationships whose ids the snapshot no
        longer has (only labels and types of the projection are touched).
    progress : callable, optional
        ``progress(what, done, total)`` after each batch.
    workers : int
        Batch transactions in flight at once (1: one after the other).

    Raises
    ------
    BackendError
        If the server goes away; every finished batch is committed and a
        re-run completes the load.
    """
    started = time.perf_counter()
    sent: dict[str, int] = {}
    removed: dict[str, int] = {}
    done_batches = 0
    pool: ThreadPoolExecutor | None = None
    try:
        # A first load into an empty database has nothing to prune.
        had_data = prune and _has_chainshock_data(driver, database, graph)
        if had_data:
            _apply_schema(driver, database, _schema_statements(graph))
            removed.update(_prune_relationships(driver, database, graph, batch_size))
        # Into a database without chainshock data nothing can match: CREATE
        # skips MERGE's lookup per node and its check for an existing
        # relationship between the two ends. An interrupted first load
        # leaves data behind, so its re-run MERGEs and completes it.
        # Batches run in `workers` concurrent transactions: while the server
        # writes one, the client builds and sends the next (and on a second
        # core the server writes two). Nodes of distinct ids never contend.
        pool = ThreadPoolExecutor(max_workers=max(1, workers))
        # A first load keeps each created node's element id (in table order)
        # and creates the relationships between element ids: no index seek
        # (a locking one, under a uniqueness constraint) per end, and every
        # index and constraint is built once at the end, by one scan.
        element_ids: dict[str, list[Any]] = {}
        for label, table in graph.nodes.items():
            total = len(table)
            q, node_batches = _node_batches(table, batch_size, merge=had_data)
            created: list[Any] = [None] * total
            for i, result in _in_flight(pool, driver, database, q, node_batches, max(1, workers), fetch=not had_data):
                done_batches += 1
                if result is not None:
                    rows, eids = result
                    for row, eid in zip(rows, eids, strict=True):
                        created[i * batch_size + row] = eid
                if progress:
                    progress(label, min((i + 1) * batch_size, total), total)
            if not had_data:
                element_ids[label] = created
            sent[label] = total
        n_rels = 0
        for t in graph.rels:
            total = len(t)
            q, rel_batches = _rel_batches(
                t if had_data else _between_element_ids(t, graph, element_ids), batch_size,
                merge=had_data, by_element_id=not had_data,
            )
            for i, _ in _in_flight(pool, driver, database, q, rel_batches, max(1, workers)):
                done_batches += 1
                if progress:
                    progress(t.type, min((i + 1) * batch_size, total), total)
            sent[t.type] = sent.get(t.type, 0) + total
            n_rels += total
        pool.shutdown()
        if had_data:
            removed.update(_prune_nodes(driver, database, graph, batch_size))
        else:
            _apply_schema(driver, database, _schema_statements(graph))
        counts = graph_counts(driver, database)
    except BackendError:
        raise
    except Exception as e:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        ex = _driver_errors()
        if isinstance(e, ex.ServiceUnavailable | ex.SessionExpired | OSError):
            raise BackendError(
                f"lost Neo4j{' at ' + uri if uri else ''} during the load after {done_batches} "
                f"committed batches ({_short(e)}); run `chainshock neo4j load` again: "
                "loads are idempotent and finish what is missing"
            ) from None
        raise _query_error(e, uri) from None
    return LoadReport(
        sent=sent,
        counts=counts,
        removed=removed,
        seconds=time.perf_counter() - started,
        relationships=n_rels,
    )


def _in_flight(
    pool: ThreadPoolExecutor,
    driver: Any,
    database: str,
    query: str,
    batches: Iterator[dict[str, Any]],
    workers: int,
    *,
    fetch: bool = False,
) -> Iterator[tuple[int, Any]]:
    """Run ``query`` once per parameter set, ``workers`` at a time; yield each index once committed.

    Indexes come in order, each with the values of the query's one result
    row when ``fetch`` (else ``None``); the first failure is raised when its
    turn comes (the batches already submitted finish first, so every
    yielded one is committed).
    """
    pending: deque[Future[Any]] = deque()
    done = 0
    run = _fetch_one if fetch else _write
    for params in batches:
        if len(pending) >= workers:
            result = pending.popleft().result()
            yield done, result if fetch else None
            done += 1
        pending.append(pool.submit(run, driver, database, query, **params))
    while pending:
        result = pending.popleft().result()
        yield done, result if fetch else None
        done += 1


def _fetch_one(driver: Any, database: str, query: str, **params: Any) -> Any:
    """Run a write query and return the values of its single result row."""
    with driver.session(database=database) as session:
        return session.execute_write(lambda tx: tx.run(query, params).single(strict=True).values())


def _columns_map(names: Sequence[str], skip: tuple[str, ...] = ()) -> tuple[str, dict[str, str]]:
    """``{`name`: $p0[i], ...}`` for the columns not in ``skip``, and each column's parameter."""
    params = {name: f"p{k}" for k, name in enumerate(n for n in names if n not in skip)}
    return "{" + ", ".join(f"{_name(name)}: ${p}[i]" for name, p in params.items()) + "}", params


def _column_params(batch: Any, params: Mapping[str, str]) -> dict[str, list[Any]]:
    return {p: batch.column(name).to_pylist() for name, p in params.items()}


def _node_batches(t: Any, batch_size: int, *, merge: bool) -> tuple[str, Iterator[dict[str, Any]]]:
    """The statement and parameter batches that write node table ``t``.

    Parameters are columns (one list per property), not one map per row:
    the client converts each column in one call and the driver packs flat
    lists, a fraction of the CPU of a dict per row on a machine whose cores
    the server needs. ``SET n = {...}`` with a null value stores no
    property, as ``SET n = row`` did with the key left out.
    """
    props, params = _columns_map(t.table.column_names)
    # CREATE without an inline {id: ...}: the map stores the id too, and the
    # plan needs no Eager between the create and the set (PROFILE).
    pattern = f"MERGE (n:{_name(t.label)} {{id: ${params['id']}[i]}})" if merge else f"CREATE (n:{_name(t.label)})"
    q = f"UNWIND range(0, $n - 1) AS i {pattern} SET n = {props}"
    if not merge:
        q += " RETURN collect(i) AS rows, collect(elementId(n)) AS element_ids"
    batches = (
        {"n": min(batch_size, len(t) - start), **_column_params(t.table.slice(start, batch_size), params)}
        for start in range(0, len(t), batch_size)
    )
    return q, batches


def _between_element_ids(t: Any, graph: PropertyGraph, element_ids: Mapping[str, list[Any]]) -> Any:
    """``t`` with its ``from`` and ``to`` ids replaced by the created nodes' element ids.

    A relationship whose end is no node of the graph is left out, as the
    ``MATCH`` on both ends leaves it out of a later load.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    table = t.table
    for col, label in (("from", t.from_label), ("to", t.to_label)):
        if label not in element_ids:
            return replace(t, table=table.slice(0, 0))
        pos = pc.index_in(table.column(col), value_set=graph.nodes[label].table.column("id"))
        ends = pc.take(pa.array(element_ids[label], pa.string()), pos)
        table = table.set_column(table.column_names.index(col), col, ends)
    table = table.filter(pc.and_(pc.is_valid(table.column("from")), pc.is_valid(table.column("to"))))
    return replace(t, table=table)


def _rel_batches(
    t: Any, batch_size: int, *, merge: bool, by_element_id: bool = False
) -> tuple[str, Iterator[dict[str, Any]]]:
    """The statement and parameter batches that write relationship table ``t``.

    Rows are sorted and grouped by the end with fewer distinct nodes (the
    Source of a CITES, the buyer of a SUPPLIES...): the statement looks that
    node up once per group, not once per row, and two batches in flight
    share at most the one node at their boundary, so they rarely wait on
    each other's locks (CITES converge on a few Source nodes). Parameters
    are columns, as for nodes, with each group's first row in ``starts``.
    """
    import pyarrow.compute as pc

    table = t.table
    by_to = len(table) > 0 and (
        pc.count_distinct(table.column("to")).as_py() < pc.count_distinct(table.column("from")).as_py()
    )
    key, other = ("to", "from") if by_to else ("from", "to")
    key_label, other_label = (t.to_label, t.from_label) if by_to else (t.from_label, t.to_label)
    props, params = _columns_map(table.column_names, skip=("from", "to"))
    # `a` is the grouped end, `b` the other; the arrow keeps the type's direction.
    rel = f"[r:{_name(t.type)}{' {id: $' + params['id'] + '[i]}' if merge else ''}]"
    ends = f"(b)-{rel}->(a)" if by_to else f"(a)-{rel}->(b)"
    if by_element_id:  # `from` and `to` hold element ids (a first load)
        match_a, match_b = "MATCH (a) WHERE elementId(a) = $keys[g]", "MATCH (b) WHERE elementId(b) = $other[i]"
    else:
        match_a = f"MATCH (a:{_name(key_label)} {{id: $keys[g]}})"
        match_b = f"MATCH (b:{_name(other_label)} {{id: $other[i]}})"
    q = (
        f"UNWIND range(0, size($keys) - 1) AS g {match_a} "
        f"UNWIND range($starts[g], $starts[g + 1] - 1) AS i {match_b} "
        f"{'MERGE' if merge else 'CREATE'} {ends} SET r = {props}"
    )
    ordered = table.sort_by(key) if len(table) else table

    def batch(start: int) -> dict[str, Any]:
        part = ordered.slice(start, batch_size)
        keys, starts = _runs(part.column(key).to_pylist())
        return {"keys": keys, "starts": starts, "other": part.column(other).to_pylist(),
                **_column_params(part, params)}

    return q, (batch(start) for start in range(0, len(table), batch_size))


def _runs(values: list[Any]) -> tuple[list[Any], list[int]]:
    """The distinct values of a sorted list and where each run starts (plus the end).

    >>> _runs(["a", "a", "b", "c", "c"])
    (['a', 'b', 'c'], [0, 2, 3, 5])
    """
    starts = [i for i in range(len(values)) if i == 0 or values[i] != values[i - 1]]
    return [values[i] for i in starts], [*starts, len(values)]


def _has_chainshock_data(driver: Any, database: str, graph: PropertyGraph) -> bool:
    with driver.session(database=database) as session:
        for label in graph.nodes:
            q = f"MATCH (n:{_name(label)}) RETURN n.id LIMIT 1"
            if session.execute_read(lambda tx, q=q: tx.run(q).single()) is not None:
                return True
    return False


def _prune_relationships(
    driver: Any, database: str, graph: PropertyGraph, batch_size: int
) -> dict[str, int]:
    """Delete relationships whose id the snapshot lacks or whose endpoints changed.

    Runs before the load: a relationship id that now joins other nodes would
    otherwise collide with the uniqueness constraint when MERGE creates it.
    """
    removed: dict[str, int] = {}
    for rtype, tables in graph.rel_types().items():
        keep = {
            rid: (a, b)
            for t in tables
            for rid, a, b in zip(
                t.table.column("id").to_pylist(),
                t.table.column("from").to_pylist(),
                t.table.column("to").to_pylist(),
                strict=True,
            )
        }
        q = f"MATCH (a)-[r:{_name(rtype)}]->(b) RETURN r.id, a.id, b.id"
        with driver.session(database=database) as session:
            have = session.execute_read(lambda tx, q=q: [tuple(rec) for rec in tx.run(q)])
        stale = sorted({rid for rid, a, b in have if keep.get(rid) != (a, b)}, key=str)
        for batch in _batches([{"id": s} for s in stale], batch_size):
            _write(
                driver,
                database,
                f"UNWIND $rows AS row MATCH ()-[r:{_name(rtype)} {{id: row.id}}]->() DELETE r",
                rows=batch,
            )
        if stale:
            removed[rtype] = len(stale)
    return removed


def _prune_nodes(driver: Any, database: str, graph: PropertyGraph, batch_size: int) -> dict[str, int]:
    """Delete chainshock nodes whose id the snapshot no longer has (after the load)."""
    removed: dict[str, int] = {}
    for label, table in graph.nodes.items():
        keep = set(table.table.column("id").to_pylist())
        have = _read_ids(driver, database, f"MATCH (n:{_name(label)}) RETURN n.id")
        stale = sorted(have - keep, key=str)
        for batch in _batches([{"id": s} for s in stale], batch_size):
            _write(
                driver,
                database,
                f"UNWIND $rows AS row MATCH (n:{_name(label)} {{id: row.id}}) DETACH DELETE n",
                rows=batch,
            )
        if stale:
            removed[label] = len(stale)
    return removed
