"""Shipped scenario files (YAML beside this module)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["scenarios_dir"]


def scenarios_dir() -> Path:
    """The directory holding the shipped scenarios."""
    return Path(__file__).resolve().parent
