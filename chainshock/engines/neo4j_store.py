"""Neo4j as a backend: connection settings, loading the snapshot, read queries.

Loading follows the usual Neo4j bulk pattern: uniqueness constraints on
``id`` for every label (and every relationship type) first, then nodes and
relationships in ``UNWIND $rows`` batches that ``MERGE`` on ``id`` and
``SET`` the properties, one transaction per batch (``CREATE`` when the
database holds no chainshock data yet; relationships grouped by start node).
Loading the same snapshot twice changes nothing; loading a newer one
updates properties and removes what the snapshot no longer has.

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
from dataclasses import dataclass, field
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


def _props(row: Mapping[str, Any], skip: tuple[str, ...] = ()) -> dict[str, Any]:
    return {k: v for k, v in row.items() if v is not None and k not in skip}


def _schema_statements(graph: PropertyGraph) -> list[str]:
    out = []
    for label in graph.nodes:
        out.append(
            f"CREATE CONSTRAINT chainshock_{label.lower()}_id IF NOT EXISTS "
            f"FOR (n:{_name(label)}) REQUIRE n.id IS UNIQUE"
        )
    for rtype in graph.rel_types():
        out.append(
            f"CREATE CONSTRAINT chainshock_rel_{rtype.lower()}_id IF NOT EXISTS "
            f"FOR ()-[r:{_name(rtype)}]-() REQUIRE r.id IS UNIQUE"
        )
    out.append(
        "CREATE INDEX chainshock_evidence_subject IF NOT EXISTS FOR (n:Evidence) ON (n.subject_id)"
    )
    out.append("CREATE INDEX chainshock_fact_metric IF NOT EXISTS FOR (n:Fact) ON (n.metric)")
    return out


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
        for statement in _schema_statements(graph):
            _write(driver, database, statement)
        _write(driver, database, "CALL db.awaitIndexes(300)")
        if had_data:
            removed.update(_prune_relationships(driver, database, graph, batch_size))
        # Into a database without chainshock data nothing can match: CREATE
        # skips MERGE's lookup per node and its check for an existing
        # relationship between the two ends. An interrupted first load
        # leaves data behind, so its re-run MERGEs and completes it.
        verb = "MERGE" if had_data else "CREATE"
        # Batches run in `workers` concurrent transactions: while the server
        # writes one, the client builds and sends the next (and on a second
        # core the server writes two). Nodes of distinct ids never contend.
        pool = ThreadPoolExecutor(max_workers=max(1, workers))
        for label, table in graph.nodes.items():
            # CREATE without the inline {id: ...}: SET n = row stores the id too,
            # and the plan needs no Eager between the create and the set (PROFILE).
            pattern = f"(n:{_name(label)} {{id: row.id}})" if had_data else f"(n:{_name(label)})"
            q = f"UNWIND $rows AS row {verb} {pattern} SET n = row"
            total = len(table)
            node_batches = (
                {"rows": [_props(r) for r in table.table.slice(start, batch_size).to_pylist()]}
                for start in range(0, total, batch_size)
            )
            for i in _in_flight(pool, driver, database, q, node_batches, max(1, workers)):
                done_batches += 1
                if progress:
                    progress(label, min((i + 1) * batch_size, total), total)
            sent[label] = total
        n_rels = 0
        for t in graph.rels:
            # Rows grouped by their start node (sorted, then one group per
            # node within a batch): one lookup of `a` per group, not per row.
            q = (
                f"UNWIND $groups AS g "
                f"MATCH (a:{_name(t.from_label)} {{id: g.from}}) "
                f"UNWIND g.rows AS row "
                f"MATCH (b:{_name(t.to_label)} {{id: row.to}}) "
                + (
                    f"MERGE (a)-[r:{_name(t.type)} {{id: row.id}}]->(b) SET r = row.props"
                    if had_data
                    else f"CREATE (a)-[r:{_name(t.type)}]->(b) SET r = row.props"
                )
            )
            total = len(t)
            ordered = t.table.sort_by("from") if total else t.table
            rel_batches = (
                {"groups": _grouped(ordered.slice(start, batch_size))} for start in range(0, total, batch_size)
            )
            for i in _in_flight(pool, driver, database, q, rel_batches, max(1, workers)):
                done_batches += 1
                if progress:
                    progress(t.type, min((i + 1) * batch_size, total), total)
            sent[t.type] = sent.get(t.type, 0) + total
            n_rels += total
        pool.shutdown()
        if had_data:
            removed.update(_prune_nodes(driver, database, graph, batch_size))
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
) -> Iterator[int]:
    """Run ``query`` once per parameter set, ``workers`` at a time; yield each index once committed.

    Indexes come in order; the first failure is raised when its turn comes
    (the batches already submitted finish first, so every yielded one is committed).
    """
    pending: deque[Future[Any]] = deque()
    done = 0
    for params in batches:
        if len(pending) >= workers:
            pending.popleft().result()
            yield done
            done += 1
        pending.append(pool.submit(_write, driver, database, query, **params))
    while pending:
        pending.popleft().result()
        yield done
        done += 1


def _grouped(batch: Any) -> list[dict[str, Any]]:
    """Relationship rows sorted by ``from`` as ``[{from, rows: [{to, id, props}]}]``."""
    groups: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    for r in batch.to_pylist():
        if current is None or current["from"] != r["from"]:
            current = {"from": r["from"], "rows": []}
            groups.append(current)
        current["rows"].append({"to": r["to"], "id": r["id"], "props": _props(r, ("from", "to"))})
    return groups


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
