"""What every benchmark shares: where records go and how they are written.

Each benchmark appends ``{"name", "nodes", "edges", "seconds", "baseline",
"baseline_seconds"}`` records to ``build/bench.json``; ``scripts/bench.sh``
starts a fresh file and prints one table at the end.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

__all__ = ["BENCH_JSON", "write_records"]

BENCH_JSON = Path(__file__).resolve().parents[2] / "build" / "bench.json"


def write_records(records: list[dict[str, Any]], path: Path = BENCH_JSON) -> None:
    """Read-modify-write: replace this benchmark's records by name, keep the others."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        existing = json.loads(path.read_text()) if path.exists() else []
    except json.JSONDecodeError:
        existing = []
    names = {r["name"] for r in records}
    merged = [r for r in existing if r.get("name") not in names] + records
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(merged, indent=2) + "\n")
    os.replace(tmp, path)
