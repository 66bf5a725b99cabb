"""One exception family for every error a user can cause or fix.

The CLI turns a :class:`ChainshockError` into one line on stderr and a
non-zero exit code; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

__all__ = [
    "BackendError",
    "ChainshockError",
    "ConvergenceError",
    "DataError",
    "FilingError",
    "NotFoundError",
    "ScenarioError",
    "SnapshotError",
]


class ChainshockError(Exception):
    """Base class: a problem the user can fix. ``str(err)`` says how."""

    exit_code = 2


class DataError(ChainshockError):
    """A curated data file or a record is malformed (names file, row, field)."""


class SnapshotError(ChainshockError):
    """The snapshot is missing, incomplete or from another schema version."""


class NotFoundError(ChainshockError):
    """An id, name, ticker or CIK matches nothing in the graph."""


class ScenarioError(ChainshockError):
    """A scenario file is malformed or names something the graph lacks."""


class ConvergenceError(ChainshockError):
    """A propagation system cannot converge (spectral radius >= 1)."""


class BackendError(ChainshockError):
    """A query engine (embedded or Neo4j) refused, failed or cannot be reached."""


class FilingError(ChainshockError):
    """A filing cannot be read (kept for single-document commands; builds skip)."""
