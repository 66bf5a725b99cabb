"""The Python API for notebooks: the graph, companies and shocks as DataFrames.

::

    import chainshock

    g = chainshock.open()                      # finds the graph and says where
    nvda = g.company("NVDA")
    nvda.facts, nvda.suppliers, nvda.customers # DataFrames with typed columns
    s = g.shock("memory-squeeze")              # a shipped scenario, a YAML path, or {"hbm": 30}
    s.prices, s.indexes, s.paths               # DataFrames
    s.compare(g.shock("contract-cliff"))       # side by side
    s.report("report.html"); s.view()          # the impact report; the graph view inline in Jupyter
    g.cypher("MATCH (c:Company) RETURN c.name AS name LIMIT 3")
    g.to_networkx()

The CLI wraps the same objects: ``chainshock shock``, ``compare`` and the
``--csv/--parquet/--xlsx`` exports read the tables built here (via
:mod:`chainshock.queries.frames`), so a notebook and a command agree.

Where the graph is found (:func:`find_home`): ``home=`` if given, else
``$CHAINSHOCK_HOME``, else the nearest ``.chainshock/`` holding a graph in
the working folder or a folder above it, else the user data folder
(``platformdirs.user_data_dir("chainshock")``). ``open(build=True)`` builds
the bundled dataset there when no graph exists yet.

Heavy libraries (pandas, pyarrow, ladybug, neo4j) load inside the methods
that need them, so ``import chainshock`` stays fast.

The package's modules: :mod:`~chainshock.api.locate` (finding and opening
the graph), :mod:`~chainshock.api.graph` (:class:`Graph`),
:mod:`~chainshock.api.results` (:class:`Company`, :class:`Shock`,
:class:`ShockComparison`, :class:`View`) and :mod:`~chainshock.api.tables`
(DataFrame helpers and :func:`export_tables`). Everything is importable
from ``chainshock.api`` as before.
"""

from __future__ import annotations

from .graph import Graph, _company_rows
from .locate import find_home, open
from .results import Company, Shock, ShockComparison, View
from .tables import ExportError, export_tables

__all__ = [
    "Company",
    "ExportError",
    "Graph",
    "Shock",
    "ShockComparison",
    "View",
    "_company_rows",
    "export_tables",
    "find_home",
    "open",
]
