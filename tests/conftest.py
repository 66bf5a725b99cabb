"""Shared fixtures: the repo, a writable copy of the small dataset, a built home."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support import MINI, REPO, run_cli


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
