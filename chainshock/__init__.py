"""chainshock: a knowledge graph of the AI supply chain, and the shocks that move through it.

The Python API (documented in docs/api.md; the CLI wraps it)::

    import chainshock

    g = chainshock.open()                      # finds the graph: $CHAINSHOCK_HOME, ./.chainshock and up, user data
    g.company("NVDA").suppliers                # DataFrames with typed columns
    s = g.shock("memory-squeeze")              # or a YAML path, or {"hbm": 30, "dram": 20}
    s.prices, s.indexes, s.paths
    g.cypher("MATCH (c:Company) RETURN c.name AS name LIMIT 3")
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from chainshock.errors import ChainshockError

if TYPE_CHECKING:
    from chainshock.api import Graph

__all__ = ["ChainshockError", "__version__", "open"]
__version__ = "0.1.0"


def open(
    home: str | os.PathLike[str] | None = None, *, build: bool = False, quiet: bool = False
) -> Graph:
    """Open the graph as a :class:`chainshock.api.Graph` (see :func:`chainshock.api.open`).

    ``home`` is a chainshock home (holding ``graph/``) or a snapshot folder;
    by default ``$CHAINSHOCK_HOME``, else the nearest ``.chainshock/`` in or
    above the working folder, else the user data folder. The snapshot's
    tables stay reachable as ``g.snapshot.nodes`` etc.
    """
    from chainshock.api import open as open_graph

    return open_graph(home, build=build, quiet=quiet)
