"""docker-compose.yml: the Neo4j service users with Docker start (no Docker engine here)."""

from __future__ import annotations

from pathlib import Path

import yaml

COMPOSE = Path(__file__).resolve().parents[2] / "docker-compose.yml"


def test_compose_runs_neo4j_5_26_with_apoc_auth_healthcheck_and_a_volume():
    doc = yaml.safe_load(COMPOSE.read_text())
    neo = doc["services"]["neo4j"]
    assert neo["image"] == "neo4j:5.26-community"
    env = neo["environment"]
    assert env["NEO4J_PLUGINS"] == '["apoc"]'
    assert env["NEO4J_AUTH"].startswith("neo4j/${NEO4J_PASSWORD")
    assert "none" not in env["NEO4J_AUTH"].lower()
    assert "127.0.0.1:7687:7687" in neo["ports"]
    check = neo["healthcheck"]
    assert "cypher-shell" in " ".join(check["test"]) and check["retries"] >= 1
    mounts = {m.split(":")[1]: m.split(":")[0] for m in neo["volumes"]}
    assert mounts["/data"] in doc["volumes"]
