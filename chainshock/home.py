"""Where chainshock keeps its working state (``CHAINSHOCK_HOME``)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["home", "snapshot_dir"]


def home() -> Path:
    """The working directory: ``$CHAINSHOCK_HOME`` or ``./.chainshock``."""
    return Path(os.environ.get("CHAINSHOCK_HOME", ".chainshock")).resolve()


def snapshot_dir() -> Path:
    """Where reading commands find the snapshot: ``$CHAINSHOCK_HOME/graph``."""
    return home() / "graph"
