"""Print build/bench.json as one table with speed-up ratios."""

from __future__ import annotations

import json
import sys
from pathlib import Path

rows = json.loads(Path(sys.argv[1] if len(sys.argv) > 1 else "build/bench.json").read_text())
print(f"{'benchmark':48} {'nodes':>10} {'edges':>11} {'seconds':>9} {'baseline':>28} {'ratio':>8}")
for r in rows:
    base = r.get("baseline") or ""
    bs = r.get("baseline_seconds")
    ratio = f"{bs / r['seconds']:.1f}x" if bs and r.get("seconds") else ""
    seconds = f"{r['seconds']:>9.3f}" if r.get("seconds") is not None else f"{r.get('note', '-'):>9}"
    print(
        f"{r['name'][:48]:48} {r.get('nodes') or 0:>10,} {r.get('edges') or 0:>11,} "
        f"{seconds} {str(base)[:20]:>20} {bs if bs is not None else '':>7} {ratio:>8}"
    )
