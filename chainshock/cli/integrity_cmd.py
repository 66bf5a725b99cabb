"""``chainshock verify`` and ``chainshock restore``: check the snapshot's files, go back a version.

::

    chainshock verify              # every file's size and sha256 against the manifest
    chainshock restore --list      # the kept versions, newest first
    chainshock restore             # back to the newest intact earlier version
    chainshock restore 3f2a9c      # back to that version (an id prefix)
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from chainshock.errors import SnapshotError

from ._common import Table, emit_json, err, guarded, out

__all__ = ["register"]


def verify(
    path: Annotated[
        Path | None, typer.Option("--path", help="The snapshot to check (default: $CHAINSHOCK_HOME/graph).")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Check every snapshot file's size and sha256 against its manifest (non-zero exit if one is damaged)."""
    _verify(path, json_out)


@guarded
def _verify(path: Path | None, json_out: bool) -> None:
    from chainshock.graph.integrity import (
        file_digest,
        file_problems,
        list_versions,
        mark_verified,
        read_manifest,
    )
    from chainshock.graph.snapshot import TABLES
    from chainshock.home import snapshot_dir

    shown = path if path is not None else snapshot_dir()
    folder = shown.resolve()
    manifest = read_manifest(folder, shown)
    problems = dict(file_problems(folder, manifest, TABLES, full=True))
    listed = manifest.get("tables") or {}
    files: list[dict[str, Any]] = []
    for name in TABLES:
        file_name = f"{name}.parquet"
        entry = listed.get(name) or {}
        file = folder / file_name
        files.append(
            {
                "file": file_name,
                "rows": entry.get("rows"),
                "bytes": file.stat().st_size if file.exists() else None,
                "sha256": file_digest(file)[:16] if file.exists() and file_name not in problems else None,
                "ok": file_name not in problems,
                "problem": problems.get(file_name),
            }
        )
    versions = [
        {"id": v.id, "built_at": v.built_at, "current": v.current, "intact": v.intact}
        for v in list_versions(shown, TABLES)
    ]
    doc = {
        "path": str(shown),
        "version": folder.name,
        "content_hash": manifest.get("content_hash"),
        "built_at": manifest.get("built_at"),
        "ok": not problems,
        "files": files,
        "versions": versions,
    }
    if not problems:
        mark_verified(folder)
    if json_out:
        emit_json(doc)
    else:
        table = Table(title=f"snapshot {doc['content_hash']} built {doc['built_at']}", title_justify="left")
        table.add_column("file")
        table.add_column("rows", justify="right")
        table.add_column("bytes", justify="right")
        table.add_column("check")
        for f in files:
            table.add_row(
                f["file"],
                f"{f['rows']:,}" if isinstance(f["rows"], int) else "?",
                f"{f['bytes']:,}" if isinstance(f["bytes"], int) else "missing",
                "ok (size, sha256)" if f["ok"] else f"DAMAGED: {f['problem']}",
            )
        out.print(table)
        out.print(f"{len(versions)} version(s) kept in {folder.parent}", markup=False)
    if problems:
        from chainshock.graph.integrity import damaged_message

        raise SnapshotError(damaged_message(shown, folder, list(problems.items())))


def restore(
    version: Annotated[
        str | None, typer.Argument(help="A kept version id (a prefix is enough); default: the newest intact earlier one.")
    ] = None,
    list_only: Annotated[bool, typer.Option("--list", help="List the kept versions instead.")] = False,
    path: Annotated[
        Path | None, typer.Option("--path", help="The snapshot (default: $CHAINSHOCK_HOME/graph).")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Point the snapshot back at a kept earlier version (after checking its hashes)."""
    _restore(version, list_only, path, json_out)


@guarded
def _restore(version: str | None, list_only: bool, path: Path | None, json_out: bool) -> None:
    from chainshock.graph.integrity import list_versions, restore_snapshot
    from chainshock.graph.snapshot import TABLES
    from chainshock.home import snapshot_dir

    target = path if path is not None else snapshot_dir()
    if list_only:
        kept = list_versions(target, TABLES)
        if json_out:
            emit_json(
                {
                    "versions": [
                        {"id": v.id, "built_at": v.built_at, "current": v.current, "intact": v.intact, "rows": v.rows}
                        for v in kept
                    ]
                }
            )
            return
        table = Table(title=f"kept versions of {target}", title_justify="left")
        for col in ("version", "built", "edges", "state"):
            table.add_column(col)
        for v in kept:
            state = ("current, " if v.current else "") + ("intact" if v.intact else "damaged")
            table.add_row(v.id, v.built_at, f"{v.rows.get('edges', 0):,}", state)
        out.print(table)
        return
    chosen = restore_snapshot(target, TABLES, version)
    if json_out:
        emit_json({"restored": chosen.id, "built_at": chosen.built_at, "path": str(target)})
        return
    err.print(f"restored snapshot version {chosen.id} (built {chosen.built_at}) at {target}", markup=False)


def register(app: typer.Typer) -> None:
    """Add ``verify`` and ``restore`` to ``app``."""
    app.command("verify")(verify)
    app.command("restore")(restore)
