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
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from chainshock.errors import NotFoundError, SnapshotError

from .records import EdgeRecord, NodeRecord, edge_records, node_records
from .schema import SCHEMA_VERSION, Estimate, Evidence, GraphRecords

__all__ = [
    "TABLES",
    "Snapshot",
    "canonical_json",
    "read_snapshot",
    "records_to_tables",
    "write_snapshot",
]

TABLES = ("nodes", "edges", "evidence", "facts", "sources")
_KEEP_VERSIONS = 2

_SCHEMAS: dict[str, pa.Schema] = {
    "nodes": pa.schema(
        [
            ("id", pa.string()),
            ("label", pa.string()),
            ("name", pa.string()),
            ("roles", pa.list_(pa.string())),
            ("ticker", pa.string()),
            ("cik", pa.string()),
            ("properties", pa.string()),
        ]
    ),
    "edges": pa.schema(
        [
            ("id", pa.string()),
            ("type", pa.string()),
            ("source", pa.string()),
            ("target", pa.string()),
            ("product", pa.string()),
            ("properties", pa.string()),
        ]
    ),
    "evidence": pa.schema(
        [
            ("subject_id", pa.string()),
            ("source_id", pa.string()),
            ("locator", pa.string()),
            ("quote", pa.string()),
            ("method", pa.string()),
            ("confidence", pa.float64()),
            ("as_of", pa.date32()),
        ]
    ),
    "facts": pa.schema(
        [
            ("id", pa.string()),
            ("company", pa.string()),
            ("metric", pa.string()),
            ("fiscal_year", pa.int64()),
            ("fiscal_period", pa.string()),
            ("period_start", pa.date32()),
            ("period_end", pa.date32()),
            ("value", pa.float64()),
            ("unit", pa.string()),
            ("source_id", pa.string()),
            ("concept", pa.string()),
            ("estimate", pa.string()),
        ]
    ),
    "sources": pa.schema(
        [
            ("id", pa.string()),
            ("kind", pa.string()),
            ("title", pa.string()),
            ("url", pa.string()),
            ("publisher", pa.string()),
            ("accession", pa.string()),
            ("form", pa.string()),
            ("cik", pa.string()),
            ("filed", pa.date32()),
            ("as_of", pa.date32()),
            ("reliability", pa.string()),
        ]
    ),
}


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces, so equal data gives equal bytes."""

    def default(obj: Any) -> Any:
        if isinstance(obj, Estimate):
            return obj.model_dump(mode="json")
        if isinstance(obj, dt.date):
            return obj.isoformat()
        raise TypeError(f"not JSON serialisable: {type(obj).__name__}")

    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=default)


def _evidence_rows(subject: str, evidence: Iterable[Evidence]) -> list[dict[str, Any]]:
    return [
        {
            "subject_id": subject,
            "source_id": ev.source_id,
            "locator": ev.locator,
            "quote": ev.quote,
            "method": ev.method,
            "confidence": ev.confidence,
            "as_of": ev.as_of,
        }
        for ev in evidence
    ]


def records_to_tables(records: GraphRecords) -> dict[str, pd.DataFrame]:
    """Turn validated records into the five snapshot tables (sorted, canonical)."""
    nodes = []
    evidence: list[dict[str, Any]] = []
    for node in records.nodes:
        props = node.properties()
        roles = list(props.pop("roles", []) or [])
        nodes.append(
            {
                "id": node.id,
                "label": node.label,
                "name": node.name,
                "roles": sorted(roles),
                "ticker": props.get("ticker"),
                "cik": props.get("cik"),
                "properties": canonical_json(props),
            }
        )
        evidence.extend(_evidence_rows(node.id, node.evidence))
    edges = []
    for edge in records.edges:
        props = {
            k: (v.model_dump(mode="json") if isinstance(v, Estimate) else v)
            for k, v in edge.properties.items()
        }
        edges.append(
            {
                "id": edge.id,
                "type": str(edge.type),
                "source": edge.source,
                "target": edge.target,
                "product": props.get("product"),
                "properties": canonical_json(props),
            }
        )
        evidence.extend(_evidence_rows(edge.id, edge.evidence))
    facts = []
    for fact in records.facts:
        facts.append(
            {
                "id": fact.id,
                "company": fact.company,
                "metric": fact.metric,
                "fiscal_year": fact.fiscal_year,
                "fiscal_period": fact.fiscal_period,
                "period_start": fact.period_start,
                "period_end": fact.period_end,
                "value": float(fact.value),
                "unit": fact.unit,
                "source_id": fact.source_id,
                "concept": fact.concept,
                "estimate": canonical_json(fact.estimate.model_dump(mode="json"))
                if fact.estimate
                else None,
            }
        )
        evidence.extend(_evidence_rows(fact.id, fact.evidence))
    sources = [
        {
            "id": s.id,
            "kind": s.kind,
            "title": s.title,
            "url": s.url,
            "publisher": s.publisher,
            "accession": s.accession,
            "form": s.form,
            "cik": s.cik,
            "filed": s.filed,
            "as_of": s.as_of,
            "reliability": s.reliability,
        }
        for s in records.sources
    ]
    keys = {
        "nodes": ["id"],
        "edges": ["id"],
        "evidence": ["subject_id", "source_id", "locator", "quote"],
        "facts": ["id"],
        "sources": ["id"],
    }
    rows = {"nodes": nodes, "edges": edges, "evidence": evidence, "facts": facts, "sources": sources}
    tables: dict[str, pd.DataFrame] = {}
    for name in TABLES:
        schema = _SCHEMAS[name]
        frame = pd.DataFrame(rows[name], columns=schema.names)
        if not frame.empty:
            frame = frame.sort_values(keys[name], kind="mergesort").reset_index(drop=True)
        tables[name] = frame
    return tables


def _to_arrow(name: str, frame: pd.DataFrame) -> pa.Table:
    schema = _SCHEMAS.get(name)
    if schema is None:
        return pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(None)
    return pa.Table.from_pandas(frame, schema=schema, preserve_index=False).replace_schema_metadata(
        None
    )


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


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


def write_snapshot(
    tables: Mapping[str, pd.DataFrame],
    path: str | os.PathLike[str],
    *,
    inputs: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Path:
    """Write ``tables`` as a snapshot at ``path``, atomically.

    ``path`` becomes a symlink to ``<parent>/.<name>.versions/<hash>``; the
    swap is a single ``os.replace``, so readers see the old snapshot or the
    new one, never a mix. Older versions beyond the last two are pruned.

    Returns the resolved directory holding the new tables.
    """
    target = Path(path).absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    versions = target.parent / f".{target.name}.versions"
    versions.mkdir(exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=versions))
    try:
        digests: dict[str, str] = {}
        counts: dict[str, int] = {}
        for name in sorted(tables):
            frame = tables[name]
            out = staging / f"{name}.parquet"
            pq.write_table(_to_arrow(name, frame), out, compression="zstd", write_statistics=True)
            digests[name] = _digest(out)
            counts[name] = len(frame)
        content_hash = hashlib.sha256(canonical_json(digests).encode()).hexdigest()[:16]
        manifest = {
            "schema_version": SCHEMA_VERSION,
            "content_hash": content_hash,
            "built_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
            "tables": {n: {"rows": counts[n], "sha256": digests[n]} for n in sorted(digests)},
            "inputs": dict(sorted((inputs or {}).items())),
            **dict(extra or {}),
        }
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        for f in staging.iterdir():
            with open(f, "rb") as fh:
                os.fsync(fh.fileno())
        final = versions / content_hash
        if final.exists():
            shutil.rmtree(final)
        os.replace(staging, final)
        if target.exists() and not target.is_symlink():
            if not (target / "manifest.json").exists() and any(target.iterdir()):
                raise SnapshotError(
                    f"{target} exists and is not a chainshock snapshot; choose another --out"
                )
            shutil.rmtree(target)
        link = target.parent / f".{target.name}.link-{os.getpid()}"
        if link.is_symlink() or link.exists():
            link.unlink()
        os.symlink(os.path.relpath(final, target.parent), link)
        os.replace(link, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _prune(versions, keep=final)
    return final


def _prune(versions: Path, keep: Path) -> None:
    dirs = sorted(
        (d for d in versions.iterdir() if d.is_dir() and not d.name.startswith(".staging-")),
        key=lambda d: d.stat().st_mtime,
        reverse=True,
    )
    kept = 0
    for d in dirs:
        if d == keep or kept < _KEEP_VERSIONS:
            kept += 1
            continue
        shutil.rmtree(d, ignore_errors=True)


def read_snapshot(path: str | os.PathLike[str]) -> Snapshot:
    """Open the snapshot at ``path``.

    Raises
    ------
    SnapshotError
        When there is no snapshot, it is incomplete, or its schema version
        differs from this chainshock's.
    """
    root = Path(path)
    manifest_path = root / "manifest.json"
    if not manifest_path.exists():
        raise SnapshotError(f"no snapshot at {root}; run `chainshock build` first")
    try:
        manifest = json.loads(manifest_path.read_text())
    except json.JSONDecodeError as err:
        raise SnapshotError(f"{manifest_path} is not valid JSON ({err}); rebuild with `chainshock build`") from err
    if manifest.get("schema_version") != SCHEMA_VERSION:
        raise SnapshotError(
            f"snapshot at {root} has schema version {manifest.get('schema_version')}, "
            f"this chainshock reads {SCHEMA_VERSION}; rebuild with `chainshock build`"
        )
    frames: dict[str, pd.DataFrame] = {}
    for name in TABLES:
        file = root / f"{name}.parquet"
        if not file.exists():
            raise SnapshotError(f"snapshot at {root} lacks {name}.parquet; rebuild with `chainshock build`")
        frames[name] = _nones(pq.read_table(file).to_pandas())
    return Snapshot(path=root.resolve(), manifest=manifest, **frames)


def _nones(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing strings and dates as ``None`` (pandas 3 reads them as NaN)."""
    for col in frame.columns:
        if frame[col].dtype == object or pd.api.types.is_string_dtype(frame[col]):
            values = frame[col].astype(object)
            frame[col] = values.where(values.notna(), None)
    return frame
