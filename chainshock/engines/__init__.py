"""Cypher engines: the query library, the embedded engine and Neo4j.

Modules: :mod:`.library` (the ``queries/cypher/*.cypher`` files),
:mod:`.property_graph` (the snapshot projected into typed node and
relationship tables), :mod:`.embedded` (ladybug), :mod:`.neo4j_store`,
:mod:`.neo4j_bulk` and :mod:`.neo4j_server` (a Neo4j server, its loaders and
its lifecycle), :mod:`.result` (rows as plain data, whichever engine).

This package imports only the model (``chainshock.graph``) and the kernel
(``chainshock.errors``, ``chainshock.home``); importing it loads nothing
heavy, each module imports its engine's library when used.
"""
