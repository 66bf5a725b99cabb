"""Fixtures for the Cypher tests: a small snapshot and a real Neo4j server.

``neo4j_settings`` starts Neo4j 5.26 once per test session with
``chainshock neo4j start`` on a free port and its own CHAINSHOCK_HOME under
a temporary directory, and stops it at the end. Set
``CHAINSHOCK_TEST_NEO4J_URI`` (with ``CHAINSHOCK_TEST_NEO4J_PASSWORD`` or
``NEO4J_PASSWORD``, and optionally ``CHAINSHOCK_TEST_NEO4J_USER``) to use a
server that is already running instead; the tests load into its default
database.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from minigraph import write_mini_snapshot
from neo4j_support import chainshock_cli, start_local_neo4j

from chainshock.engines.neo4j_store import Neo4jSettings


@pytest.fixture(scope="session")
def mini_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A snapshot of the mini graph (``minigraph.py``)."""
    return write_mini_snapshot(tmp_path_factory.mktemp("mini") / "graph")


@pytest.fixture(scope="session")
def neo4j_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("neo4j-home")


@pytest.fixture(scope="session")
def neo4j_settings(neo4j_home: Path) -> Iterator[Neo4jSettings]:
    """A real Neo4j for the session (started here, or given by env)."""
    uri = os.environ.get("CHAINSHOCK_TEST_NEO4J_URI")
    if uri:
        password = os.environ.get("CHAINSHOCK_TEST_NEO4J_PASSWORD") or os.environ.get("NEO4J_PASSWORD")
        if not password:
            raise RuntimeError("CHAINSHOCK_TEST_NEO4J_URI needs CHAINSHOCK_TEST_NEO4J_PASSWORD")
        user = os.environ.get("CHAINSHOCK_TEST_NEO4J_USER", "neo4j")
        yield Neo4jSettings(uri=uri, user=user, password=password, origin="env")
        return
    settings = start_local_neo4j(neo4j_home)
    try:
        yield settings
    finally:
        chainshock_cli("neo4j", "stop", home=neo4j_home)
