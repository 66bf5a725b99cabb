"""Shared fixtures: the repo, a writable copy of the small dataset, a built home.

Under ``make test`` (``CHAINSHOCK_REQUIRE_ALL=1``) the suite cannot pass by
skipping: a missing real component (the shared filings, Chromium, Java for
Neo4j) stops the session with one line naming it, and any test that skips
anyway is reported as a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from support import MINI, REPO, SHARED_FILINGS, run_cli

REQUIRE_ALL = os.environ.get("CHAINSHOCK_REQUIRE_ALL", "") not in ("", "0")


def missing_components() -> list[str]:
    """One line per real component the suite needs and cannot find."""
    from chromium_support import chromium_executable

    missing = []
    if not (SHARED_FILINGS / "edgar").is_dir():
        missing.append(f"the real SEC filings at {SHARED_FILINGS} (set CHAINSHOCK_FILINGS or restore ../shared/filings)")
    if chromium_executable() is None:
        missing.append("headless Chromium (run `bash scripts/ensure-chromium.sh`)")
    if not os.environ.get("CHAINSHOCK_TEST_NEO4J_URI"):
        java = shutil.which("java")
        version = ""
        if java:
            probe = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
            version = probe.stderr + probe.stdout
        if not re.search(r'version "(1[7-9]|[2-9][0-9])', version):
            missing.append("Java 17+ for the test Neo4j (run `bash scripts/ensure-neo4j-deps.sh`)")
    return missing


def pytest_sessionstart(session: pytest.Session) -> None:
    if REQUIRE_ALL:
        missing = missing_components()
        if missing:
            pytest.exit("missing for `make test`: " + "; ".join(missing), returncode=3)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_ALL and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped under CHAINSHOCK_REQUIRE_ALL=1, which makes a skip a failure: {reason}"


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture()
def mini_data(tmp_path: Path) -> Path:
    """A writable copy of the small curated dataset used by unit tests."""
    dest = tmp_path / "curated"
    shutil.copytree(MINI, dest)
    return dest


@pytest.fixture(scope="session")
def built_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """CHAINSHOCK_HOME holding a snapshot of the bundled curated dataset."""
    home = tmp_path_factory.mktemp("home")
    run_cli("build", home=home, check=True)
    return home
