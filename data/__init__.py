"""The curated, cited dataset bundled with chainshock (YAML files beside this module)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["data_dir"]


def data_dir() -> Path:
    """The directory holding the bundled curated dataset."""
    return Path(__file__).resolve().parent
