"""Bounded Cypher on the embedded engine: time limit, memory cap, printed-row cap."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import run_cli

from chainshock.engines.embedded import EmbeddedEngine
from chainshock.errors import BackendError

RUNAWAY = "MATCH p = (a)-[*1..6]-(b) RETURN count(p) AS n"  # billions of walks on the bundled graph


def _one_line(proc) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stdout[-500:])
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.strip().splitlines() if ln.startswith("error:")]
    assert len(lines) == 1, proc.stderr
    return lines[0]


def test_a_runaway_query_stops_at_the_time_limit(built_home: Path) -> None:
    line = _one_line(run_cli("cypher", RUNAWAY, "--timeout", "1", home=built_home))
    assert "ran past its time limit (1 s)" in line and "--timeout" in line


def test_a_query_past_the_memory_cap_stops(built_home: Path) -> None:
    line = _one_line(run_cli("cypher", RUNAWAY, "--memory", "64", "--timeout", "60", home=built_home))
    assert "memory" in line and "--memory" in line


def test_a_list_built_outside_the_buffer_pool_is_stopped_too(built_home: Path) -> None:
    proc = run_cli("cypher", "UNWIND range(1, 400000000) AS x RETURN count(x) AS n", "--memory", "64",
                   "--timeout", "60", home=built_home)
    line = _one_line(proc)
    assert "more than 128 MB (twice --memory 64)" in line


def test_the_table_prints_at_most_max_rows(built_home: Path) -> None:
    proc = run_cli("cypher", "MATCH (n) RETURN n.id AS id ORDER BY id", "--max-rows", "3", home=built_home)
    assert proc.returncode == 0, proc.stderr
    assert "first 3 of " in proc.stdout and "--max-rows 0 shows all" in proc.stdout
    body = [ln for ln in proc.stdout.splitlines() if ":" in ln and "│" in ln]
    assert len(body) == 3


def test_bad_limits_are_one_line_errors(built_home: Path) -> None:
    for args in (["--timeout", "-1"], ["--memory", "8"], ["--max-rows", "-2"]):
        line = _one_line(run_cli("cypher", "RETURN 1 AS x", *args, home=built_home))
        assert "--timeout" in line or "--memory" in line


def test_each_query_gets_its_own_time_limit(built_home: Path) -> None:
    # The engine sets the connection's limit only when it changes: a limit
    # must still apply after a query with another (or none).
    with EmbeddedEngine.open(built_home / "graph", built_home / "cypher") as engine:
        assert engine.run("RETURN 1 AS x", timeout=0).rows == [[1]]
        with pytest.raises(BackendError, match=r"time limit \(1 s\)"):
            engine.run(RUNAWAY, timeout=1)
        assert engine.run("RETURN 2 AS x", timeout=30).rows == [[2]]
        with pytest.raises(BackendError, match=r"time limit \(0.5 s\)"):
            engine.run(RUNAWAY, timeout=0.5)
