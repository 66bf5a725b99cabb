"""``chainshock cypher``: run a Cypher query on the embedded engine or on Neo4j.

::

    chainshock cypher "MATCH (c:Company) RETURN c.id AS id LIMIT 5"
    chainshock cypher --name direct_suppliers --param company=company:nvidia
    chainshock cypher --file my.cypher --param n=3 --engine neo4j --json
    chainshock cypher --list

Queries run read-only; parameters are always sent as parameters.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any

import typer

from chainshock.engines.library import (
    ENGINES,
    LibraryQuery,
    get_query,
    load_library,
    parse_adhoc_params,
    parse_query,
    split_pair,
)
from chainshock.engines.result import MEMORY_MB, PRINT_ROWS, TIMEOUT_S, QueryResult
from chainshock.errors import BackendError

from ._common import Table, emit_json, err, guarded, out
from ._export import CsvOpt, ParquetOpt, XlsxOpt, check, export

__all__ = ["format_value", "register", "run_query"]


def format_value(value: Any) -> str:
    """A cell for the table view.

    >>> format_value(64551000000.0), format_value(0.16), format_value(["a", "b"]), format_value(None)
    ('64,551,000,000', '0.16', 'a > b', '')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isfinite(value) and abs(value) >= 1000 and value == int(value):
            return f"{int(value):,}"
        return f"{value:.4g}"
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10000 else str(value)
    if isinstance(value, list):
        return " > ".join(format_value(v) for v in value) if all(
            isinstance(v, str) for v in value
        ) else ", ".join(format_value(v) for v in value)
    if isinstance(value, dict):
        inner = ", ".join(f"{k}={format_value(v)}" for k, v in value.items())
        return "{" + inner + "}"
    return str(value)


def run_query(
    text: str,
    params: dict[str, Any],
    engine: str,
    *,
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    timeout: float = TIMEOUT_S,
    memory_mb: int = MEMORY_MB,
) -> QueryResult:
    """Run ``text`` read-only on ``engine`` (opened here, closed after), within ``timeout`` seconds."""
    from chainshock.engines import open_engine

    from .query_guard import guard

    with open_engine(
        engine, uri=uri, user=user, password=password, log=lambda m: err.print(m, markup=False),
        timeout=timeout, memory_mb=memory_mb,
    ) as opened:
        if engine != "embedded":
            return opened.run(text, params)
        # the embedded engine runs in this process: watch it (see query_guard)
        with guard(timeout, memory_mb, getattr(opened, "interrupt", None)):
            return opened.run(text, params)


# Library parameters that name a node: a user may give an id, a ticker or a
# name, as everywhere else in the CLI; the query always receives the id.
_NODE_PARAMS = {
    "company": ["Company"],
    "hyperscaler": ["Company"],
    "producer": ["Company"],
    "segment": ["Company"],
    "product": ["Product"],
    "index_id": ["Index"],
}


def _library_params(query: LibraryQuery, pairs: list[str]) -> dict[str, Any]:
    given: dict[str, Any] = {}
    for pair in pairs:
        key, value = split_pair(pair)
        given[key] = value
    bound = query.bind(given)
    names = [k for k in given if k in _NODE_PARAMS and isinstance(bound.get(k), str)]
    if names:
        labels = _node_labels()
        # A value that is already a node's id (with a label the parameter takes) stays as it is,
        # which is what resolve_node would answer; anything else is resolved on the whole snapshot.
        names = [k for k in names if labels.get(bound[k]) not in _NODE_PARAMS[k]]
    if names:
        from chainshock.graph.lookup import resolve_node
        from chainshock.graph.snapshot import read_snapshot
        from chainshock.home import snapshot_dir

        snapshot = read_snapshot(snapshot_dir())
        for key in names:
            bound[key] = resolve_node(snapshot, bound[key], _NODE_PARAMS[key])
    return bound


def _node_labels() -> dict[str, str]:
    """Every node id of the snapshot with its label, read from two columns (no pandas).

    Empty when the snapshot cannot be read: the full resolution then reports why.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    from chainshock.errors import ChainshockError
    from chainshock.graph.integrity import TABLES, check_snapshot
    from chainshock.home import snapshot_dir

    try:
        folder, _ = check_snapshot(snapshot_dir(), TABLES)
        # ParquetFile, not read_table: the dataset path imports pandas to read the file's metadata
        nodes = pq.ParquetFile(folder / "nodes.parquet").read(columns=["id", "label"])
    except (ChainshockError, OSError, pa.ArrowException):
        return {}
    return dict(zip(nodes.column("id").to_pylist(), nodes.column("label").to_pylist(), strict=True))


def _print_list(library: dict[str, LibraryQuery], as_json: bool) -> None:
    if as_json:
        emit_json(
            {
                "queries": [
                    {
                        "name": q.name,
                        "question": q.question,
                        "params": [
                            {"name": p.name, "type": p.type, "required": p.required,
                             "default": p.default, "doc": p.doc}
                            for p in q.params
                        ],
                        "examples": list(q.examples),
                        "portable": q.portable,
                        "why": q.why or None,
                    }
                    for q in library.values()
                ]
            }
        )
        return
    table = Table(title=f"{len(library)} library queries", show_lines=False, expand=False)
    table.add_column("name", style="bold", no_wrap=True)
    table.add_column("question")
    table.add_column("parameters")
    for q in library.values():
        params = ", ".join(
            p.name + ("" if p.required else f"={p.default}") for p in q.params
        )
        table.add_row(q.name + ("" if q.portable else " *"), q.question, params)
    out.print(table)
    out.print("* has a Neo4j and an embedded variant (see the file's `why:` line)", style="dim")


def _print_result(result: QueryResult, title: str | None, max_rows: int = PRINT_ROWS) -> None:
    shown = result.rows if not max_rows else result.rows[:max_rows]
    cells = [[format_value(v) for v in row] for row in shown]
    widths = [
        max([len(col), *(len(r[i]) for r in cells)]) for i, col in enumerate(result.columns)
    ]
    caption = f"{len(result.rows)} rows · {result.engine}"
    if len(shown) < len(result.rows):
        caption = (
            f"first {len(shown):,} of {len(result.rows):,} rows · {result.engine} "
            "(--max-rows 0 shows all, --json prints all)"
        )
    if sum(widths) + 3 * len(widths) + 1 <= out.width or len(result.columns) <= 2:
        table = Table(title=title, caption=caption)
        for col in result.columns:
            table.add_column(col, overflow="fold")
        for row in cells:
            table.add_row(*row)
        out.print(table)
        return
    # Too wide for the terminal: one block per row, a column per line, so
    # long ids, quotes and URLs stay readable instead of folding into slivers.
    if title:
        out.print(title, style="bold", markup=False)
    from rich.table import Table as RichTable

    key_width = max(len(c) for c in result.columns)
    for n, row in enumerate(cells, 1):
        block = RichTable.grid(padding=(0, 2))
        block.add_column(style="cyan", no_wrap=True, min_width=key_width)
        block.add_column(overflow="fold")
        for col, cell in zip(result.columns, row, strict=True):
            block.add_row(col, cell)
        out.rule(f"row {n}", align="left", style="dim")
        out.print(block)
    out.print(caption, style="dim", markup=False)


def register(app: typer.Typer) -> None:
    """Add ``chainshock cypher`` to ``app``."""

    @app.command("cypher")
    @guarded
    def cypher(
        query: Annotated[str | None, typer.Argument(help="A Cypher query (read-only).")] = None,
        file: Annotated[
            Path | None, typer.Option("--file", "-f", help="Run the query in this file.")
        ] = None,
        name: Annotated[
            str | None, typer.Option("--name", "-n", help="Run a library query by name (see --list).")
        ] = None,
        param: Annotated[
            list[str] | None,
            typer.Option("--param", "-p", help="A parameter as name=value; repeat for more."),
        ] = None,
        engine: Annotated[
            str, typer.Option("--engine", "-e", help="embedded (default, no server) or neo4j.")
        ] = "embedded",
        as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
        list_queries: Annotated[
            bool, typer.Option("--list", help="List the library's queries and their questions.")
        ] = False,
        uri: Annotated[str | None, typer.Option("--uri", help="Neo4j URI (else NEO4J_URI).")] = None,
        user: Annotated[str | None, typer.Option("--user", help="Neo4j user (else NEO4J_USER).")] = None,
        password: Annotated[
            str | None,
            typer.Option("--password", help="Neo4j password (prefer NEO4J_PASSWORD).", show_default=False),
        ] = None,
        timeout: Annotated[
            float, typer.Option("--timeout", help="Stop the query after this many seconds (0: no limit).")
        ] = TIMEOUT_S,
        memory: Annotated[
            int, typer.Option("--memory", help="Embedded engine: memory cap for the query, in MB.")
        ] = MEMORY_MB,
        max_rows: Annotated[
            int, typer.Option("--max-rows", help="Print at most this many rows in the table (0: all).")
        ] = PRINT_ROWS,
        csv: CsvOpt = None,
        parquet: ParquetOpt = None,
        xlsx: XlsxOpt = None,
    ) -> None:
        """Run a Cypher query, a query file or a named library query, read-only.

        A table by default; --json prints {query, engine, params, columns, rows}.
        """
        if list_queries:
            _print_list(load_library(), as_json)
            return
        given = [x for x in (query, file, name) if x is not None]
        if len(given) != 1:
            raise BackendError(
                "give exactly one of a QUERY, --file F or --name NAME (see `chainshock cypher --list`)"
            )
        if engine not in ENGINES:
            raise BackendError(f"--engine {engine!r}: use embedded or neo4j")
        pairs = list(param or [])
        label: str | None = None
        if name is not None:
            lib_query = get_query(name)
            params, label = _library_params(lib_query, pairs), name
            text = lib_query.text(engine, params)
        elif file is not None:
            if not file.is_file():
                raise BackendError(f"--file {file}: no such file")
            raw = file.read_text(encoding="utf-8")
            if raw.lstrip().startswith("// name:"):
                file_query = parse_query(raw, file)
                params, label = _library_params(file_query, pairs), file_query.name
                text = file_query.text(engine, params)
            else:
                text, params = raw, parse_adhoc_params(pairs)
        else:
            text, params = str(query), parse_adhoc_params(pairs)
        check(csv, parquet, xlsx)
        if timeout < 0 or max_rows < 0 or memory < 64:
            raise BackendError("--timeout and --max-rows take 0 (no limit) or more, --memory at least 64 (MB)")
        result = run_query(
            text, params, engine, uri=uri, user=user, password=password, timeout=timeout, memory_mb=memory
        )

        def tables() -> dict[str, Any]:
            from chainshock.queries.frames import frame

            return {label or "rows": frame(result.records(), list(result.columns))}

        export(tables, csv, parquet, xlsx)
        if as_json:
            emit_json(
                {
                    "query": label,
                    "engine": result.engine,
                    "params": params,
                    "columns": result.columns,
                    "rows": result.records(),
                }
            )
        else:
            _print_result(result, label, max_rows)
