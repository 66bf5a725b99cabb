"""Snapshot integrity: check the files against the manifest, keep versions, restore one.

A snapshot path (``$CHAINSHOCK_HOME/graph``) is a symlink onto one folder of
``<parent>/.<name>.versions/``. Each folder holds the parquet tables and a
``manifest.json`` recording, per table, its row count, its size in bytes and
its sha256. Opening a snapshot checks the sizes (cheap, always) and the full
hashes the first time a version is opened (a ``.verified`` marker records
that it passed) or whenever asked (``chainshock verify``). A damaged file is
one :class:`~chainshock.errors.SnapshotError` naming it and the fix.

The last :data:`DEFAULT_KEEP` versions are kept (``CHAINSHOCK_KEEP_VERSIONS``
changes it), so ``chainshock restore`` can go back to an earlier one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chainshock.errors import SnapshotError

__all__ = [
    "DEFAULT_KEEP",
    "MARKER",
    "TABLES",
    "Version",
    "check_snapshot",
    "file_digest",
    "file_problems",
    "keep_versions",
    "list_versions",
    "mark_verified",
    "prune_versions",
    "read_manifest",
    "restore_snapshot",
    "staging_prefix",
    "swap_link",
    "versions_dir",
]

TABLES = ("nodes", "edges", "evidence", "facts", "sources")  # a snapshot's tables (snapshot.TABLES)
MARKER = ".verified"
DEFAULT_KEEP = 3
_CHUNK = 1 << 20


def keep_versions() -> int:
    """How many snapshot versions to keep: ``$CHAINSHOCK_KEEP_VERSIONS`` or 3 (at least 2)."""
    raw = os.environ.get("CHAINSHOCK_KEEP_VERSIONS", "")
    try:
        return max(2, int(raw)) if raw else DEFAULT_KEEP
    except ValueError:
        raise SnapshotError(
            f"CHAINSHOCK_KEEP_VERSIONS={raw!r} is not a number; set it to e.g. 3"
        ) from None


def versions_dir(path: str | os.PathLike[str]) -> Path:
    """The folder holding the versions of the snapshot at ``path``.

    >>> versions_dir("/tmp/home/graph").as_posix()
    '/tmp/home/.graph.versions'
    """
    target = Path(path).absolute()
    return target.parent / f".{target.name}.versions"


def staging_prefix() -> str:
    """The name prefix of a build's staging folder (carries the pid, so leftovers of dead builds can go)."""
    return f".staging-{os.getpid()}-"


def file_digest(path: Path) -> str:
    """The sha256 of a file, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def file_problems(
    folder: Path, manifest: Mapping[str, Any], tables: Iterable[str], *, full: bool
) -> list[tuple[str, str]]:
    """What is wrong with each table file of ``folder``, as ``(file name, problem)``.

    Sizes are compared always; hashes when ``full`` (or when the manifest
    records no size, as manifests written before sizes were recorded).

    >>> file_problems(Path("/nonexistent"), {"tables": {}}, ["edges"], full=False)
    [('edges.parquet', 'the manifest does not list it')]
    """
    listed = manifest.get("tables") or {}
    problems: list[tuple[str, str]] = []
    for name in tables:
        file_name = f"{name}.parquet"
        entry = listed.get(name)
        if not isinstance(entry, Mapping):
            problems.append((file_name, "the manifest does not list it"))
            continue
        file = folder / file_name
        try:
            size = file.stat().st_size
        except FileNotFoundError:
            problems.append((file_name, "it is missing"))
            continue
        except OSError as e:
            problems.append((file_name, f"it cannot be read ({e.strerror})"))
            continue
        expected = entry.get("bytes")
        if expected is not None and size != expected:
            problems.append((file_name, f"it is {size:,} bytes, the manifest says {int(expected):,}"))
            continue
        if full or expected is None:
            try:
                digest = file_digest(file)
            except OSError as e:
                problems.append((file_name, f"it cannot be read ({e.strerror})"))
                continue
            if digest != entry.get("sha256"):
                problems.append((file_name, "its content differs from the manifest's sha256"))
    return problems


def read_manifest(folder: Path, shown: Path | None = None) -> dict[str, Any]:
    """The manifest of a version folder, or a SnapshotError saying how to fix it."""
    shown = shown or folder
    path = folder / "manifest.json"
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise SnapshotError(f"no snapshot at {shown}; {_fix(shown, exclude=folder, verb='first')}") from None
    except OSError as e:
        raise SnapshotError(f"cannot read {shown}/manifest.json ({e.strerror}); {_fix(shown, exclude=folder)}") from None
    try:
        manifest = json.loads(text)
    except json.JSONDecodeError as e:
        raise SnapshotError(
            f"snapshot file {shown}/manifest.json is damaged (not valid JSON: {e.msg}); "
            f"{_fix(shown, exclude=folder)}"
        ) from None
    if not isinstance(manifest, dict):
        raise SnapshotError(
            f"snapshot file {shown}/manifest.json is damaged (not a JSON object); {_fix(shown, exclude=folder)}"
        )
    return manifest


def check_snapshot(
    path: str | os.PathLike[str], tables: Iterable[str], *, full: bool | None = None
) -> tuple[Path, dict[str, Any]]:
    """Check the snapshot at ``path`` and return its version folder and manifest.

    The symlink is resolved once, so every file read afterwards comes from
    the same version even if a build swaps the link meanwhile.

    Parameters
    ----------
    path : path-like
        The snapshot path (a symlink onto a version folder, or a folder).
    tables : iterable of str
        The table names the snapshot must hold.
    full : bool, optional
        Compare full hashes (True), sizes only (False), or full hashes only
        if this version has not passed a full check yet (None, the default).

    Raises
    ------
    SnapshotError
        Naming the first damaged file and how to fix it.
    """
    shown = Path(path)
    folder = shown.resolve()
    manifest = read_manifest(folder, shown)
    marker = folder / MARKER
    do_full = full if full is not None else not marker.exists()
    problems = file_problems(folder, manifest, tables, full=do_full)
    if problems:
        raise SnapshotError(damaged_message(shown, folder, problems))
    if do_full and not marker.exists():
        mark_verified(folder)
    return folder, manifest


def damaged_message(shown: Path, folder: Path, problems: list[tuple[str, str]]) -> str:
    """One line: the first damaged file, what is wrong, and how to fix it."""
    name, problem = problems[0]
    more = f" (and {len(problems) - 1} more file(s))" if len(problems) > 1 else ""
    return f"snapshot file {shown / name} is damaged: {problem}{more}; {_fix(shown, exclude=folder)}"


def _fix(shown: Path, exclude: Path, verb: str = "to rebuild it") -> str:
    previous = [v for v in list_versions(shown) if v.path != exclude and v.intact]
    if previous:
        return (
            f"run `chainshock build` {verb}, or `chainshock restore` to go back to "
            f"version {previous[0].id} (built {previous[0].built_at or 'earlier'})"
        )
    return f"run `chainshock build` {verb}"


def mark_verified(folder: Path) -> None:
    """Record that ``folder`` passed a full check (best effort: a read-only folder is fine)."""
    marker = folder / MARKER
    tmp = marker.with_name(f"{MARKER}.{os.getpid()}")
    try:
        tmp.write_text(dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat() + "\n")
        os.replace(tmp, marker)
    except OSError:
        # A read-only snapshot is still readable; the full check just runs again next time.
        tmp.unlink(missing_ok=True)


@dataclass(frozen=True)
class Version:
    """One kept version of a snapshot."""

    id: str
    path: Path
    built_at: str
    current: bool
    intact: bool
    rows: dict[str, int]


def list_versions(path: str | os.PathLike[str], tables: Iterable[str] | None = None) -> list[Version]:
    """The kept versions of the snapshot at ``path``, newest first (sizes checked, not hashes)."""
    versions = versions_dir(path)
    if not versions.is_dir():
        return []
    current = _current(Path(path))
    found: list[tuple[float, Version]] = []
    for d in versions.iterdir():
        if d.name.startswith(".") or not d.is_dir():
            continue
        try:
            manifest = json.loads((d / "manifest.json").read_text())
            listed = manifest.get("tables") or {}
            names = list(tables) if tables is not None else list(listed)
            intact = bool(names) and not file_problems(d, manifest, names, full=False)
            rows = {k: int(v.get("rows", 0)) for k, v in listed.items() if isinstance(v, Mapping)}
            built_at = str(manifest.get("built_at", ""))
        except (OSError, ValueError, AttributeError):
            intact, rows, built_at = False, {}, ""
        try:
            mtime = d.stat().st_mtime
        except OSError:
            continue
        found.append((mtime, Version(d.name, d, built_at, d == current, intact, rows)))
    found.sort(key=lambda pair: (pair[0], pair[1].built_at), reverse=True)
    return [v for _, v in found]


def _current(path: Path) -> Path | None:
    try:
        return path.resolve(strict=True) if path.is_symlink() else None
    except OSError:
        return None


def swap_link(target: Path, final: Path) -> None:
    """Point the symlink ``target`` at ``final`` with one atomic ``os.replace``."""
    link = target.parent / f".{target.name}.link-{os.getpid()}"
    if link.is_symlink() or link.exists():
        link.unlink()
    os.symlink(os.path.relpath(final, target.parent), link)
    os.replace(link, target)


def restore_snapshot(
    path: str | os.PathLike[str], tables: Iterable[str], version: str | None = None
) -> Version:
    """Point the snapshot at ``path`` back at a kept version (default: the newest intact earlier one).

    The version is fully checked (hashes) before the swap, and becomes the
    newest, so pruning keeps it.

    Raises
    ------
    SnapshotError
        When no kept version matches, it is damaged, or ``path`` is not a
        versioned snapshot.
    """
    target = Path(path).absolute()
    names = list(tables)
    if target.exists() and not target.is_symlink():
        raise SnapshotError(f"{target} is not a versioned snapshot (a plain folder); rebuild with `chainshock build`")
    kept = list_versions(target, names)
    if not kept:
        raise SnapshotError(f"no earlier versions of {target} are kept; run `chainshock build`")
    if version is None:
        candidates = [v for v in kept if not v.current and v.intact]
        if not candidates:
            raise SnapshotError(
                f"no intact earlier version of {target} is kept "
                f"({len(kept)} version(s) in {versions_dir(target)}); run `chainshock build`"
            )
        chosen = candidates[0]
    else:
        matches = [v for v in kept if v.id.startswith(version)]
        if len(matches) != 1:
            ids = ", ".join(v.id for v in kept)
            what = "matches no" if not matches else "matches several"
            raise SnapshotError(f"version {version!r} {what} kept version; kept: {ids}")
        chosen = matches[0]
    manifest = read_manifest(chosen.path)
    problems = file_problems(chosen.path, manifest, names, full=True)
    if problems:
        raise SnapshotError(
            f"version {chosen.id} is damaged too: {problems[0][0]}: {problems[0][1]}; run `chainshock build`"
        )
    mark_verified(chosen.path)
    os.utime(chosen.path)
    swap_link(target, chosen.path)
    return Version(chosen.id, chosen.path, chosen.built_at, True, True, chosen.rows)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _pid_of(name: str, prefix: str) -> int | None:
    rest = name[len(prefix):]
    head = rest.split("-", 1)[0]
    return int(head) if head.isdigit() else None


def prune_versions(target: Path, keep: int, also_keep: Iterable[Path] = ()) -> list[Path]:
    """Delete versions beyond the newest ``keep`` and leftovers of dead builds; return what went.

    The version the snapshot points at and ``also_keep`` are never deleted.
    """
    versions = versions_dir(target)
    removed: list[Path] = []
    if not versions.is_dir():
        return removed
    protected = {p.resolve() for p in also_keep}
    current = _current(target)
    if current is not None:
        protected.add(current)
    dirs: list[tuple[float, Path]] = []
    for d in versions.iterdir():
        if d.name.startswith(".staging-"):
            pid = _pid_of(d.name, ".staging-")
            if pid is not None and not _alive(pid):
                shutil.rmtree(d, ignore_errors=True)
                removed.append(d)
            continue
        if d.name.startswith(".") or not d.is_dir():
            continue
        try:
            dirs.append((d.stat().st_mtime, d))
        except OSError:
            continue
    dirs.sort(reverse=True)
    kept = 0
    for _, d in dirs:
        if d.resolve() in protected or kept < keep:
            kept += 1
            continue
        shutil.rmtree(d, ignore_errors=True)
        removed.append(d)
    link_prefix = f".{target.name}.link-"
    for leftover in target.parent.glob(f"{link_prefix}*"):
        pid = _pid_of(leftover.name, link_prefix)
        if pid is not None and not _alive(pid) and leftover.is_symlink():
            leftover.unlink(missing_ok=True)
            removed.append(leftover)
    return removed
