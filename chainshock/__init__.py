"""chainshock: a knowledge graph of the AI supply chain, and the shocks that move through it.

The small Python API the CLI wraps (after ``chainshock build``)::

    import chainshock
    from chainshock.queries.shock import run_scenario

    snap = chainshock.open()                       # tables as pandas DataFrames
    result = run_scenario(snap, "scenarios/memory-squeeze.yaml", draws=0)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from chainshock.errors import ChainshockError

if TYPE_CHECKING:
    from chainshock.graph.snapshot import Snapshot

__all__ = ["ChainshockError", "__version__", "open"]
__version__ = "0.1.0"


def open(path: str | os.PathLike[str] | None = None) -> Snapshot:
    """Open a snapshot (default: ``$CHAINSHOCK_HOME/graph``) as a :class:`Snapshot`."""
    from chainshock.graph.snapshot import read_snapshot
    from chainshock.home import snapshot_dir

    return read_snapshot(Path(path) if path is not None else snapshot_dir())
