"""Helpers for tests that need a real Neo4j (import as `neo4j_support`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from chainshock.engines.neo4j_server import free_port
from chainshock.engines.neo4j_store import Neo4jSettings

__all__ = ["chainshock_cli", "start_local_neo4j"]


def chainshock_cli(*args: str, home: Path, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    """Run the installed ``chainshock`` console script with CHAINSHOCK_HOME=home."""
    env = {**os.environ, "CHAINSHOCK_HOME": str(home), "COLUMNS": "200"}
    for var in ("NEO4J_URI", "NEO4J_PASSWORD", "NEO4J_USER"):
        env.pop(var, None)  # the local server's own settings, not the caller's
    exe = Path(sys.executable).parent / "chainshock"
    return subprocess.run(
        [str(exe), *args], capture_output=True, text=True, env=env, timeout=timeout, check=False
    )


def start_local_neo4j(home: Path) -> Neo4jSettings:
    """``chainshock neo4j start`` on a free port under ``home``; its settings."""
    port = free_port()
    proc = chainshock_cli(
        "neo4j", "start", "--port", str(port), "--heap", "768m", "--pagecache", "256m", "--json", home=home
    )
    if proc.returncode != 0:
        raise RuntimeError(f"chainshock neo4j start failed ({proc.returncode}): {proc.stderr.strip()}")
    info = json.loads(proc.stdout)
    password = (home / "neo4j" / "password").read_text().strip()
    return Neo4jSettings(uri=info["uri"], user="neo4j", password=password, origin="test")
