"""What the CLI imports to start: --help and info load no heavy library.

Speed itself is measured in ``make bench`` (tests/bench/bench_cli.py); here
the property behind it: the modules that cost most to import stay unloaded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from minigraph import write_mini_snapshot

HEAVY = ("pandas", "pyarrow", "scipy", "numpy", "neo4j", "torch", "sentence_transformers", "ladybug", "networkx",
         "pydantic", "rich", "markdown_it", "pygments")
PROBE = """
import json, sys
from chainshock.cli import main
sys.argv = ["chainshock", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)), file=sys.stderr)
"""


def loaded(*args: str, home: Path) -> list[str]:
    env = {**os.environ, "CHAINSHOCK_HOME": str(home)}
    proc = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *args],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )
    return list(json.loads(proc.stderr.strip().splitlines()[-1]))


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("startup")
    write_mini_snapshot(home / "graph")
    return home


def test_help_loads_no_heavy_library(home):
    assert loaded("--help", home=home) == []


def test_info_reads_the_manifest_only(home):
    assert loaded("info", "--json", home=home) == []
    manifest = json.loads((home / "graph" / "manifest.json").read_text())
    assert manifest["summary"]["nodes"]["Company"] == 16


def test_info_without_a_summary_reads_the_tables(home, tmp_path):
    old = tmp_path / "old"
    write_mini_snapshot(old / "graph")
    manifest_path = old / "graph" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    del manifest["summary"]  # as a snapshot written before the summary existed
    manifest_path.write_text(json.dumps(manifest))
    env = {**os.environ, "CHAINSHOCK_HOME": str(old)}
    exe = Path(sys.executable).parent / "chainshock"
    new = subprocess.run([str(exe), "info", "--json"], capture_output=True, text=True, check=True,
                         env={**os.environ, "CHAINSHOCK_HOME": str(home)}, timeout=300)
    full = subprocess.run([str(exe), "info", "--json"], capture_output=True, text=True, check=True, env=env,
                          timeout=300)
    a, b = json.loads(new.stdout), json.loads(full.stdout)
    for key in ("nodes", "edges", "roles", "sources", "facts", "evidence"):
        assert a[key] == b[key], key


def test_help_lists_each_command_with_its_whole_first_sentence(home):
    exe = Path(sys.executable).parent / "chainshock"
    env = {**os.environ, "CHAINSHOCK_HOME": str(home), "COLUMNS": "200"}
    text = subprocess.run([str(exe), "--help"], capture_output=True, text=True, check=True, env=env,
                          timeout=300).stdout
    assert "Build the graph snapshot from the curated dataset (and filings)." in text
    assert "..." not in text.split("Commands:")[1]  # no first sentence cut short
    listed = {line.split()[0] for line in text.split("Commands:")[1].splitlines() if line.startswith("  ")}
    assert {"build", "info", "cypher", "neo4j", "shock", "view", "verify"} <= listed
    build = subprocess.run([str(exe), "build", "--help"], capture_output=True, text=True, check=True, env=env,
                           timeout=300).stdout
    # the example block keeps one command per line
    assert "\n    chainshock build --filings ../shared/filings\n" in build


def test_a_usage_error_is_one_line_naming_the_help(home):
    exe = Path(sys.executable).parent / "chainshock"
    env = {**os.environ, "CHAINSHOCK_HOME": str(home)}
    for args, says in ((["info", "--nope"], "No such option: --nope"), (["nope"], "No such command 'nope'")):
        proc = subprocess.run([str(exe), *args], capture_output=True, text=True, env=env, timeout=300, check=False)
        assert proc.returncode == 2
        assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("error: ") and says in proc.stderr
        assert "--help`)" in proc.stderr and "Traceback" not in proc.stderr


def test_a_library_query_by_node_id_reads_no_pandas(home):
    args = ("cypher", "--name", "suppliers_of", "--param", "company=company:nvidia", "--json")
    loaded(*args, home=home)  # the first query builds the embedded database (that needs pandas)
    assert not {"pandas", "scipy", "networkx", "torch"} & set(loaded(*args, home=home))
    # a name still resolves, on the whole snapshot
    exe = Path(sys.executable).parent / "chainshock"
    env = {**os.environ, "CHAINSHOCK_HOME": str(home)}
    by_name = subprocess.run([str(exe), *args[:4], "company=NVIDIA", "--json"], capture_output=True, text=True,
                             env=env, timeout=300, check=True)
    by_id = subprocess.run([str(exe), *args], capture_output=True, text=True, env=env, timeout=300, check=True)
    assert json.loads(by_name.stdout)["rows"] == json.loads(by_id.stdout)["rows"] != []
