"""``chainshock neo4j start|stop|status|load``: a real Neo4j without Docker.

::

    chainshock neo4j start [--port 7687]   # Neo4j 5.26 from Maven Central jars, Java 17
    chainshock neo4j load                  # the snapshot, idempotently
    chainshock neo4j load --bulk           # first load into the empty local server (neo4j-admin import)
    chainshock cypher --engine neo4j --name single_points_of_failure
    chainshock neo4j stop

With Docker, ``docker compose up -d neo4j`` runs the same server; point
``NEO4J_URI``/``NEO4J_PASSWORD`` at it and use ``load`` as above.
"""

from __future__ import annotations

from typing import Annotated

import typer

from chainshock.errors import BackendError

from ._common import Table, emit_json, err, guarded, out

__all__ = ["neo4j_app", "register"]

neo4j_app = typer.Typer(
    name="neo4j",
    help="Run a local Neo4j 5.26 (no Docker needed) and load the snapshot into Neo4j.",
    no_args_is_help=True,
)


def _say(message: str) -> None:
    err.print(message, markup=False, highlight=False)


@neo4j_app.command("start")
@guarded
def start_cmd(
    port: Annotated[
        int, typer.Option("--port", help="Bolt port on 127.0.0.1; 0 picks a free one.")
    ] = 7687,
    heap: Annotated[
        str, typer.Option("--heap", help="JVM heap, e.g. 512m or 2g; auto: a fifth of free memory (512m-4g).")
    ] = "auto",
    pagecache: Annotated[
        str, typer.Option("--pagecache", help="Page cache, e.g. 1g; auto: a quarter of free memory (256m-8g).")
    ] = "auto",
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds to wait for Bolt.")] = 180.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Start Neo4j 5.26 Community from its Maven jars (fetched once) and wait for Bolt."""
    from chainshock.engines import neo4j_server

    info = neo4j_server.start(port, heap=heap, pagecache=pagecache, timeout=timeout, log=_say)
    if as_json:
        emit_json(info.as_dict())
        return
    where = (
        "NEO4J_PASSWORD"
        if info.password_source == "env"
        else f"{neo4j_server.server_dir() / 'password'}"
    )
    out.print(f"Neo4j {info.version} running at {info.uri} (pid {info.pid})", markup=False)
    out.print(f"user neo4j; password from {where}", markup=False)


@neo4j_app.command("stop")
@guarded
def stop_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Stop the Neo4j that `chainshock neo4j start` started here (by its pid)."""
    from chainshock.engines import neo4j_server

    before = neo4j_server.status()
    info = neo4j_server.stop()
    if as_json:
        emit_json({**info.as_dict(), "stopped": before.running and not info.running})
        return
    if before.running:
        out.print(f"stopped Neo4j (pid {before.pid})", markup=False)
    else:
        out.print(f"no chainshock Neo4j is running under {info.home}", markup=False)


@neo4j_app.command("status")
@guarded
def status_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Say whether the local Neo4j runs, and where. Exits 1 when it does not."""
    from chainshock.engines import neo4j_server

    info = neo4j_server.status()
    if as_json:
        emit_json(info.as_dict())
    elif info.running:
        out.print(f"running: Neo4j {info.version} at {info.uri} (pid {info.pid})", markup=False)
    else:
        out.print(
            f"not running (home {info.home}); start it with `chainshock neo4j start`", markup=False
        )
    if not info.running:
        raise typer.Exit(1)


@neo4j_app.command("load")
@guarded
def load_cmd(
    uri: Annotated[str | None, typer.Option("--uri", help="Neo4j URI (else NEO4J_URI).")] = None,
    user: Annotated[str | None, typer.Option("--user", help="Neo4j user (else NEO4J_USER).")] = None,
    password: Annotated[
        str | None,
        typer.Option("--password", help="Neo4j password (prefer NEO4J_PASSWORD).", show_default=False),
    ] = None,
    batch_size: Annotated[int, typer.Option("--batch-size", help="Rows per UNWIND batch.")] = 20_000,
    bulk: Annotated[
        bool,
        typer.Option(
            "--bulk",
            help="First load into the EMPTY local server of `chainshock neo4j start`: stop it, "
            "run neo4j-admin's offline import, start it again (several times faster).",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Load the snapshot into Neo4j in UNWIND batches (idempotent: re-running changes nothing).

    Into a database without chainshock data the nodes and relationships are
    CREATEd and the constraints and indexes built once at the end; a later
    load creates the constraints first and MERGEs on ids, removing what the
    snapshot no longer has.

    With --bulk, a first load into the empty local server goes through
    `neo4j-admin database import full` instead (the server restarts once).
    """
    from chainshock.engines.neo4j_store import connect, load_graph, resolve_settings
    from chainshock.engines.property_graph import project_snapshot
    from chainshock.home import snapshot_dir

    if batch_size < 1:
        raise BackendError("--batch-size must be at least 1")
    graph = project_snapshot(snapshot_dir())
    settings = resolve_settings(uri, user, password)
    if bulk:
        from chainshock.engines.neo4j_bulk import bulk_load

        _say(f"bulk-importing snapshot {graph.content_hash} into {settings.uri}")
        report = bulk_load(settings, graph, log=_say)
    else:
        driver = connect(settings)
        try:
            _say(f"loading snapshot {graph.content_hash} into {settings.uri}")
            report = load_graph(
                driver, graph, database=settings.database, batch_size=batch_size, uri=settings.uri
            )
        finally:
            driver.close()
    rate = report.relationships / report.seconds if report.seconds > 0 else 0.0
    if as_json:
        emit_json(
            {
                "uri": settings.uri,
                "method": "bulk" if bulk else "merge",
                "snapshot": graph.content_hash,
                "sent": report.sent,
                "counts": report.counts,
                "removed": report.removed,
                "seconds": round(report.seconds, 3),
                "relationships_per_second": round(rate, 1),
            }
        )
        return
    table = Table(title=f"loaded into {settings.uri}", caption=f"{report.seconds:.1f} s, {rate:,.0f} rels/s")
    table.add_column("label / type")
    table.add_column("in snapshot", justify="right")
    table.add_column("in Neo4j", justify="right")
    for key in sorted(set(report.sent) | set(report.counts)):
        table.add_row(key, f"{report.sent.get(key, 0):,}", f"{report.counts.get(key, 0):,}")
    out.print(table)
    if report.removed:
        out.print(f"removed what the snapshot no longer has: {report.removed}", markup=False)


def register(app: typer.Typer) -> None:
    """Add the ``chainshock neo4j`` command group to ``app``."""
    app.add_typer(neo4j_app, name="neo4j")
