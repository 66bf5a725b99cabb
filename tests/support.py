"""Helpers shared by tests (import as `support`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

__all__ = ["MINI", "REPO", "SHARED_FILINGS", "run_cli"]

REPO = Path(__file__).resolve().parents[1]
MINI = REPO / "tests" / "data" / "curated-mini"
SHARED_FILINGS = Path(os.environ.get("CHAINSHOCK_FILINGS", REPO.parent / "shared" / "filings"))


def run_cli(*args: str, home: Path, check: bool = False, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real `chainshock` console script with CHAINSHOCK_HOME=home."""
    env = {**os.environ, "CHAINSHOCK_HOME": str(home), "COLUMNS": "200"}
    exe = Path(sys.executable).parent / "chainshock"
    proc = subprocess.run(
        [str(exe), *args], capture_output=True, text=True, env=env, cwd=cwd or REPO, timeout=600
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"chainshock {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr}")
    return proc
