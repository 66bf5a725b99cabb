"""Cypher engines: the query library, the embedded engine and Neo4j.

Modules: :mod:`.library` (the ``queries/cypher/*.cypher`` files),
:mod:`.property_graph` (the snapshot projected into typed node and
relationship tables), :mod:`.embedded` (ladybug), :mod:`.neo4j_store`,
:mod:`.neo4j_bulk` and :mod:`.neo4j_server` (a Neo4j server, its loaders and
its lifecycle), :mod:`.result` (rows as plain data, whichever engine).

This package imports only the model (``chainshock.graph``) and the kernel
(``chainshock.errors``, ``chainshock.home``); importing it loads nothing
heavy, each module imports its engine's library when used.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from chainshock.errors import BackendError

from .library import ENGINES as ENGINE_KINDS
from .library import EngineKind
from .result import MEMORY_MB, TIMEOUT_S

if TYPE_CHECKING:
    from .neo4j_store import Neo4jSettings
    from .result import QueryResult

__all__ = ["ENGINE_KINDS", "Engine", "EngineKind", "open_engine"]


@runtime_checkable
class Engine(Protocol):
    """What every Cypher engine offers: read-only ``run`` and ``close``.

    ``run`` refuses writes (the engine's own read-only mode), passes
    ``params`` as query parameters (never spliced into the text) and stops a
    query that runs longer than ``timeout`` seconds (``None``: the engine's
    limit, ``result.TIMEOUT_S`` by default; 0: no limit).
    Errors are :class:`chainshock.errors.BackendError` with a one-line
    message.
    """

    name: str

    def run(
        self,
        query: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout: float | None = None,
    ) -> QueryResult: ...

    def close(self) -> None: ...

    def __enter__(self) -> Engine: ...

    def __exit__(self, *exc: object) -> None: ...


def open_engine(
    kind: str,
    *,
    snapshot_path: Path | None = None,
    folder: Path | None = None,
    settings: Neo4jSettings | None = None,
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
    log: Callable[[str], None] | None = None,
    timeout: float = TIMEOUT_S,
    memory_mb: int = MEMORY_MB,
) -> Engine:
    """Open the engine ``kind`` (``"embedded"`` or ``"neo4j"``), ready to run.

    Parameters
    ----------
    kind : str
        ``"embedded"``: the ladybug database of the snapshot (built, or
        rebuilt when the snapshot changed, before it opens); ``"neo4j"``: a
        Neo4j server from ``settings`` or from ``uri``/``user``/``password``/
        ``database``, falling back to ``NEO4J_*`` and the local server.
    snapshot_path, folder : Path, optional
        Embedded only: the snapshot and the database folder (defaults under
        ``$CHAINSHOCK_HOME``).
    settings : Neo4jSettings, optional
        Neo4j only: connection settings already resolved.
    uri, user, password, database : str, optional
        Neo4j only: passed to :func:`.neo4j_store.resolve_settings`.
    log : callable, optional
        Embedded only: told when the database is (re)built.
    timeout, memory_mb : float, int
        Every query's time limit in seconds (0: none) and, embedded only, the
        buffer pool in MB (``result.TIMEOUT_S``, ``result.MEMORY_MB``).

    Returns
    -------
    Engine
        Close it (or use it as a context manager) when done.

    Examples
    --------
    >>> open_engine("oracle")
    Traceback (most recent call last):
    ...
    chainshock.errors.BackendError: unknown engine 'oracle': use embedded or neo4j
    >>> with open_engine("embedded") as engine:          # doctest: +SKIP
    ...     engine.run("MATCH (c:Company) RETURN count(*) AS n").rows
    [[16]]
    """
    if kind == "embedded":
        from .embedded import EmbeddedEngine

        return EmbeddedEngine.open(snapshot_path, folder, log=log, timeout=timeout, memory_mb=memory_mb)
    if kind == "neo4j":
        from .neo4j_store import Neo4jEngine, resolve_settings

        return Neo4jEngine(settings or resolve_settings(uri, user, password, database), timeout=timeout)
    raise BackendError(f"unknown engine {kind!r}: use embedded or neo4j")
