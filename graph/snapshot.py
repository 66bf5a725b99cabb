"""The snapshot: the single source of truth every backend projects from.

A snapshot is a directory of parquet tables (``nodes``, ``edges``,
``evidence``, ``facts``, ``sources``) and a ``manifest.json``. It is written
atomically: the tables go to a fresh versioned directory, and the snapshot
path is a symlink swapped onto it with one ``os.replace``. A crash mid-write
leaves the previous snapshot where it was.

Tables are deterministic: rows sorted by key, properties as canonical JSON,
no wall-clock data inside the parquet files. Building twice from the same
inputs gives byte-identical tables (the manifest records build time apart).
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from chainshock.errors import NotFoundError, SnapshotError

from .integrity import (
    check_snapshot,
    damaged_message,
    file_digest,
    file_problems,
    keep_versions,
    prune_versions,
    read_manifest,
    staging_prefix,
    swap_link,
    versions_dir,
)
from .records import EdgeRecord, NodeRecord, edge_records, node_records
from .schema import SCHEMA_VERSION
from .tables import TABLES, canonical_json, records_to_tables, to_arrow

__all__ = [
    "TABLES",
    "Snapshot",
    "canonical_json",
    "edges_from_filings",
    "read_snapshot",
    "records_to_tables",
    "summarise",
    "write_snapshot",
]

@dataclass
class Snapshot:
    """An opened snapshot: the tables as pandas DataFrames plus the manifest.

    The tables keep their flat parquet form (``properties`` as JSON text);
    the typed read side is :meth:`node`, :meth:`node_records` and
    :meth:`edge_records`, decoded from the tables once per snapshot, on first
    use (see :mod:`chainshock.graph.records`).
    """

    path: Path
    manifest: dict[str, Any]
    nodes: pd.DataFrame
    edges: pd.DataFrame
    evidence: pd.DataFrame
    facts: pd.DataFrame
    sources: pd.DataFrame
    _nodes_by_id: dict[str, NodeRecord] | None = field(default=None, repr=False, compare=False)
    _edge_list: tuple[EdgeRecord, ...] | None = field(default=None, repr=False, compare=False)

    def table(self, name: str) -> pd.DataFrame:
        """A table by name (one of :data:`TABLES`)."""
        return getattr(self, name)

    def node_records(self) -> Mapping[str, NodeRecord]:
        """Every node as a typed record, keyed by id (decoded once, then cached)."""
        if self._nodes_by_id is None:
            self._nodes_by_id = node_records(self.nodes)
        return self._nodes_by_id

    def edge_records(self) -> tuple[EdgeRecord, ...]:
        """Every edge as a typed record, in table order (decoded once, then cached)."""
        if self._edge_list is None:
            self._edge_list = edge_records(self.edges)
        return self._edge_list

    def node(self, node_id: str) -> NodeRecord:
        """The node with id ``node_id``.

        Raises
        ------
        NotFoundError
            When the snapshot has no such node.
        """
        try:
            return self.node_records()[node_id]
        except KeyError:
            raise NotFoundError(f"no node {node_id!r} in the snapshot; `chainshock info` counts what it holds") from None

    def node_props(self, node_id: str) -> Mapping[str, Any]:
        """A node's decoded properties (empty for an unknown id)."""
        record = self.node_records().get(node_id)
        return record.properties if record is not None else {}

    def evidence_for(self, subject_id: str) -> pd.DataFrame:
        """The evidence rows of one edge, node or fact."""
        return self.evidence[self.evidence["subject_id"] == subject_id]

    @property
    def content_hash(self) -> str:
        """The manifest's hash of the tables' bytes."""
        return str(self.manifest.get("content_hash", ""))


def summarise(tables: Mapping[str, pd.DataFrame]) -> dict[str, dict[str, int]]:
    """Nodes by label, edges by type and companies by role: what ``chainshock info`` shows.

    Kept in the manifest, so ``info`` answers from one small JSON file.

    >>> frames = {"nodes": pd.DataFrame({"label": ["Company", "Product"], "roles": [["foundry"], []]}),
    ...           "edges": pd.DataFrame({"type": ["PRODUCES"]})}
    >>> summarise(frames)
    {'nodes': {'Company': 1, 'Product': 1}, 'edges': {'PRODUCES': 1}, 'roles': {'foundry': 1}}
    """
    nodes = tables.get("nodes", pd.DataFrame())
    edges = tables.get("edges", pd.DataFrame())
    roles: dict[str, int] = {}
    if len(nodes) and "roles" in nodes:
        for rs in nodes.loc[nodes["label"] == "Company", "roles"]:
            for r in rs if rs is not None else ():
                roles[str(r)] = roles.get(str(r), 0) + 1
    summary = {
        "nodes": {str(k): int(v) for k, v in sorted(nodes["label"].value_counts().items())} if len(nodes) else {},
        "edges": {str(k): int(v) for k, v in sorted(edges["type"].value_counts().items())} if len(edges) else {},
        "roles": dict(sorted(roles.items())),
    }
    if all(name in tables for name in ("edges", "evidence", "sources")):
        summary["edges_from_filings"] = edges_from_filings(edges, tables["evidence"], tables["sources"])
    return summary


def edges_from_filings(edges: pd.DataFrame, evidence: pd.DataFrame, sources: pd.DataFrame) -> dict[str, int]:
    """Edges whose evidence includes a relation extracted from a filing (method ``rule`` or ``model``).

    ``also_curated`` of them carry curated evidence too; ``filings_only`` come from filings alone.
    """
    filings = set(sources.loc[sources["kind"] == "filing", "id"])
    on_edges = evidence[evidence["subject_id"].isin(set(edges["id"]))]
    extracted = on_edges["source_id"].isin(filings) & on_edges["method"].isin(["rule", "model"])
    filed = set(on_edges.loc[extracted, "subject_id"])
    curated = set(on_edges.loc[on_edges["method"] == "curated", "subject_id"])
    return {"edges": len(filed), "also_curated": len(filed & curated), "filings_only": len(filed - curated)}


def write_snapshot(
    tables: Mapping[str, pd.DataFrame],
    path: str | os.PathLike[str],
    *,
    inputs: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
    keep: int | None = None,
) -> Path:
    """Write ``tables`` as a snapshot at ``path``, atomically.

    ``path`` becomes a symlink to ``<parent>/.<name>.versions/<hash>``; the
    swap is a single ``os.replace``, so readers see the old snapshot or the
    new one, never a mix. Versions beyond the newest ``keep`` (default
    ``$CHAINSHOCK_KEEP_VERSIONS`` or 3) are pruned; ``chainshock restore``
    goes back to a kept one.

    Returns the resolved directory holding the new tables.

    Raises
    ------
    SnapshotError
        When the file system is full, read-only or refuses the write (the
        previous snapshot is left as it was).

    Examples
    --------
    >>> import tempfile
    >>> from chainshock.graph.examples import example_records
    >>> folder = Path(tempfile.mkdtemp()) / "graph"
    >>> final = write_snapshot(records_to_tables(example_records()), folder)
    >>> folder.is_symlink(), sorted(p.name for p in final.iterdir())[:3]
    (True, ['edges.parquet', 'evidence.parquet', 'facts.parquet'])
    """
    target = Path(path).absolute()
    try:
        return _write(tables, target, inputs=inputs, extra=extra, keep=keep)
    except OSError as e:
        if e.errno not in _NO_ROOM:
            raise
        raise SnapshotError(
            f"cannot write the snapshot under {target.parent}: {e.strerror}; free some space "
            "(or choose another --out) and build again - the previous snapshot is unchanged"
        ) from None


# Errors that mean "this file system will not take the snapshot", not a bug.
_NO_ROOM = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EFBIG}


def _write(
    tables: Mapping[str, pd.DataFrame],
    target: Path,
    *,
    inputs: Mapping[str, str] | None,
    extra: Mapping[str, Any] | None,
    keep: int | None,
) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    versions = versions_dir(target)
    versions.mkdir(exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=staging_prefix(), dir=versions))
    try:
        digests: dict[str, str] = {}
        sizes: dict[str, int] = {}
        counts: dict[str, int] = {}
        for name in sorted(tables):
            frame = tables[name]
            out = staging / f"{name}.parquet"
            pq.write_table(to_arrow(name, frame), out, compression="zstd", write_statistics=True)
            digests[name] = file_digest(out)
            sizes[name] = out.stat().st_size
            counts[name] = len(frame)
        content_hash = hashlib.sha256(canonical_json(digests).encode()).hexdigest()[:16]
        manifest = {
            "schema_version": SCHEMA_VERSION,
            "content_hash": content_hash,
            "built_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
            "tables": {
                n: {"rows": counts[n], "bytes": sizes[n], "sha256": digests[n]} for n in sorted(digests)
            },
            "inputs": dict(sorted((inputs or {}).items())),
            "summary": summarise(tables),
            **dict(extra or {}),
        }
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        for f in staging.iterdir():
            with open(f, "rb") as fh:
                os.fsync(fh.fileno())
        _fsync_dir(staging)
        if target.exists() and not target.is_symlink():
            if not (target / "manifest.json").exists() and any(target.iterdir()):
                raise SnapshotError(
                    f"{target} exists and is not a chainshock snapshot; choose another --out"
                )
            shutil.rmtree(target)
        final = _place_version(staging, versions / content_hash, manifest)
        swap_link(target, final)
        _fsync_dir(target.parent)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    prune_versions(target, keep if keep is not None else keep_versions(), also_keep=[final])
    return final


def _place_version(staging: Path, final: Path, manifest: Mapping[str, Any]) -> Path:
    """Move ``staging`` to ``final``; an intact identical version already there is reused.

    Reusing (rather than deleting and renaming) keeps a reader that holds
    the same version open from ever seeing its files vanish.
    """
    if final.is_dir():
        try:
            intact = not file_problems(final, read_manifest(final), manifest["tables"], full=True)
        except SnapshotError:
            intact = False
        if intact:
            tmp = final / f".manifest.{os.getpid()}"
            tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
            os.replace(tmp, final / "manifest.json")
            shutil.rmtree(staging, ignore_errors=True)
            os.utime(final)
            return final
        aside = final.with_name(f".damaged-{os.getpid()}-{final.name}")
        os.replace(final, aside)
        shutil.rmtree(aside, ignore_errors=True)
    os.replace(staging, final)
    return final


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read_snapshot(path: str | os.PathLike[str]) -> Snapshot:
    """Open the snapshot at ``path``.

    File sizes are checked against the manifest on every open, full hashes
    on the first open of a version (see :mod:`chainshock.graph.integrity`).

    Parameters
    ----------
    path : path-like
        A snapshot directory (or the symlink :func:`write_snapshot` keeps).

    Returns
    -------
    Snapshot
        The tables as DataFrames (missing values as ``None``) and the manifest.

    Raises
    ------
    SnapshotError
        When there is no snapshot, a file is missing or damaged (the message
        names it and the fix), or its schema version differs from this
        chainshock's.

    Examples
    --------
    >>> import tempfile
    >>> from chainshock.graph.examples import example_records
    >>> folder = Path(tempfile.mkdtemp()) / "graph"
    >>> _ = write_snapshot(records_to_tables(example_records()), folder)
    >>> snap = read_snapshot(folder)
    >>> len(snap.nodes), snap.node("company:memco").ticker
    (4, 'MEMC')
    >>> read_snapshot(folder.parent / "nowhere")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    chainshock.errors.SnapshotError: no snapshot at ...nowhere; run `chainshock build` first
    """
    root = Path(path)
    folder, manifest = check_snapshot(root, TABLES)
    if manifest.get("schema_version") != SCHEMA_VERSION:
        raise SnapshotError(
            f"snapshot at {root} has schema version {manifest.get('schema_version')}, "
            f"this chainshock reads {SCHEMA_VERSION}; rebuild with `chainshock build`"
        )
    frames: dict[str, pd.DataFrame] = {}
    for name in TABLES:
        frames[name] = _nones(_read_table(root, folder, name).to_pandas())
    return Snapshot(path=folder, manifest=manifest, **frames)


def _read_table(root: Path, folder: Path, name: str) -> pa.Table:
    """One table of the version ``folder``; a file parquet cannot read is a SnapshotError."""
    try:
        return pq.read_table(folder / f"{name}.parquet")
    except (OSError, pa.ArrowException) as e:
        problem = " ".join(str(e).split())[:160]
        raise SnapshotError(
            damaged_message(root, folder, [(f"{name}.parquet", f"parquet cannot read it ({problem})")])
        ) from None


def _nones(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing strings and dates as ``None`` (pandas 3 reads them as NaN)."""
    for col in frame.columns:
        if frame[col].dtype == object or pd.api.types.is_string_dtype(frame[col]):
            values = frame[col].astype(object)
            frame[col] = values.where(values.notna(), None)
    return frame
