"""The local Neo4j server's life cycle, and a load that loses its server midway.

These start their own server (own CHAINSHOCK_HOME, free port), separate from
the session's, because they stop it on purpose.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from neo4j_support import chainshock_cli, start_local_neo4j

from chainshock.engines.neo4j_store import connect, graph_counts, load_graph
from chainshock.engines.property_graph import project_tables
from chainshock.errors import BackendError
from chainshock.graph.snapshot import records_to_tables
from chainshock.viz.synthetic import synthetic_records

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def own_home(tmp_path_factory: pytest.TempPathFactory):
    if os.environ.get("CHAINSHOCK_TEST_NEO4J_URI"):
        pytest.skip("uses its own local server; CHAINSHOCK_TEST_NEO4J_URI points elsewhere")
    home = tmp_path_factory.mktemp("own-neo4j")
    yield home
    chainshock_cli("neo4j", "stop", home=home)


def test_status_start_stop_and_a_load_that_loses_its_server(own_home: Path):
    down = chainshock_cli("neo4j", "status", home=own_home)
    assert down.returncode == 1 and "not running" in down.stdout

    settings = start_local_neo4j(own_home)
    password = settings.password
    status = chainshock_cli("neo4j", "status", "--json", home=own_home)
    info = json.loads(status.stdout)
    assert status.returncode == 0 and info["running"] and info["uri"] == settings.uri
    assert info["version"].startswith("5.26.")
    conf = (own_home / "neo4j" / "conf" / "neo4j.conf").read_text()
    assert "server.default_listen_address=127.0.0.1" in conf
    assert "dbms.security.auth_enabled=true" in conf
    assert oct((own_home / "neo4j" / "password").stat().st_mode & 0o777) == "0o600"

    # a second start finds the running server rather than starting another
    again = chainshock_cli("neo4j", "start", "--port", "0", "--json", home=own_home)
    assert again.returncode == 0 and json.loads(again.stdout)["pid"] == info["pid"]

    graph = project_tables(records_to_tables(synthetic_records(1500, seed=7)))
    expected = {k: v for k, v in sorted(graph.counts().items()) if v}

    stopped: list[bool] = []

    def stop_after_first_relationship_batch(what: str, done: int, total: int) -> None:
        if what == "SUPPLIES" and not stopped:
            stopped.append(True)
            proc = chainshock_cli("neo4j", "stop", home=own_home)
            assert proc.returncode == 0, proc.stderr

    driver = connect(settings)
    try:
        with pytest.raises(BackendError) as failure:
            load_graph(driver, graph, batch_size=200, progress=stop_after_first_relationship_batch)
    finally:
        driver.close()
    message = str(failure.value)
    assert "chainshock neo4j load" in message and "again" in message
    assert password not in message
    assert stopped

    # the same home restarts with the same data and password; a re-run completes
    settings = start_local_neo4j(own_home)
    driver = connect(settings)
    try:
        partial = graph_counts(driver)
        assert partial and partial != expected
        load_graph(driver, graph, batch_size=2000)
        assert graph_counts(driver) == expected
    finally:
        driver.close()

    # CLI output never shows the password
    for args in (("neo4j", "status"), ("neo4j", "status", "--json"), ("neo4j", "stop")):
        proc = chainshock_cli(*args, home=own_home)
        assert password not in proc.stdout + proc.stderr
    assert chainshock_cli("neo4j", "status", home=own_home).returncode == 1
