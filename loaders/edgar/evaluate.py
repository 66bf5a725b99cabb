"""Measure the EDGAR loader against labelled filings: ``python -m chainshock.loaders.edgar.evaluate``.

Relationships: precision and recall of (accession, type, source, target,
relation) against ``tests/data/edgar_relations_gold.yaml`` (labelled by
reading the fixture filings). Facts: the loader's values against numbers
read from the filings (:data:`FACT_CHECKS`), which must match exactly.

Prints one JSON document; exits 1 when a target is missed (relationship
precision >= 0.9, recall >= 0.8, every fact exact).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import yaml

from chainshock.graph.schema import Company, GraphRecords, Role

from .load import load_filings

__all__ = ["FACT_CHECKS", "evaluate_facts", "evaluate_relations", "main"]

# (fact id, value in USD or fraction, how the figure appears in the filing)
FACT_CHECKS: tuple[tuple[str, float, str], ...] = (
    ("fact:nvidia:capex:2025:FY", 3_236e6, "NVIDIA 10-K FY2025 cash flows: 3,236 (millions)"),
    ("fact:nvidia:capex:2026:FY", 6_042e6, "companyfacts PaymentsToAcquireProductiveAssets FY2026"),
    ("fact:nvidia:revenue:2025:FY", 130_497e6, "NVIDIA 10-K FY2025 income statement: 130,497"),
    ("fact:nvidia:purchase_obligations:2025:FY", 45_079e6, "NVIDIA 10-K FY2025 PurchaseObligation 45,079"),
    ("fact:nvidia:remaining_performance_obligations:2025:FY", 1.7e9, "NVIDIA 10-K FY2025: $1.7 billion"),
    ("fact:nvidia:customer_a_revenue_share:2025:FY", 0.12, "NVIDIA 10-K FY2025: Customer A 12%"),
    ("fact:nvidia:customer_a_revenue_share:2026:Q3", 0.22, "NVIDIA 10-Q Q3 FY2026 (text): Customer A at 22%"),
    ("fact:oracle:remaining_performance_obligations:2024:Q1", 64.9e9, "Oracle 10-Q Aug 2023: $64.9 billion"),
    ("fact:oracle:capex:2024:Q1", 1_314e6, "Oracle 10-Q Aug 2023 cash flows: 1,314"),
    ("fact:amazon:capex:2024:FY", 82_999e6, "Amazon 10-K 2024 cash flows: 82,999"),
    ("fact:alphabet:capex:2024:FY", 52_535e6, "Alphabet 10-K 2024 cash flows: 52,535"),
    ("fact:alphabet:remaining_performance_obligations:2024:FY", 93.2e9, "Alphabet 10-K 2024: $93.2 billion"),
    ("fact:apple:capex:2024:FY", 9_447e6, "Apple 10-K FY2024 cash flows: 9,447"),
    ("fact:microsoft:capex:2025:FY", 64_551e6, "Microsoft 10-K FY2025 (text) cash flows: (64,551)"),
    ("fact:microsoft:capex:2026:Q1", 19_394e6, "Microsoft 10-Q Q1 FY2026 (text) cash flows: (19,394)"),
    ("fact:microsoft:remaining_performance_obligations:2025:FY", 375e9, "Microsoft 10-K FY2025: $375 billion"),
)


def _gold_path() -> Path:
    here = Path(__file__).resolve()
    return here.parents[2] / "tests" / "data" / "edgar_relations_gold.yaml"


def _key_of(edge_type: str, source: str, target: str, relation: str) -> tuple[str, str, str, str]:
    return (edge_type, source, target, relation)


def evaluate_relations(records: GraphRecords, gold: dict[str, list[dict[str, str]]]) -> dict[str, Any]:
    """Precision/recall over (accession, type, source, target, relation) for the labelled documents."""
    expected = {(acc, *_key_of(g["type"], g["source"], g["target"], g["relation"]))
                for acc, items in gold.items() for g in (items or [])}
    found = set()
    for e in records.edges:
        relation = str(e.properties.get("relation", ""))
        for ev in e.evidence:
            acc = ev.source_id.removeprefix("edgar:")
            if acc in gold and ev.method in ("rule", "model"):
                found.add((acc, *_key_of(str(e.type), e.source, e.target, relation)))
    tp = expected & found
    precision = len(tp) / len(found) if found else 1.0
    recall = len(tp) / len(expected) if expected else 1.0
    return {
        "precision": round(precision, 4), "recall": round(recall, 4),
        "true_positives": len(tp), "extracted": len(found), "labelled": len(expected),
        "false_positives": sorted("|".join(x) for x in found - expected),
        "missed": sorted("|".join(x) for x in expected - found),
    }


def evaluate_facts(records: GraphRecords) -> dict[str, Any]:
    by_id = {f.id: f for f in records.facts}
    rows = []
    for fid, value, where in FACT_CHECKS:
        got = by_id.get(fid)
        rows.append({"id": fid, "expected": value, "got": got.value if got else None,
                     "exact": bool(got and abs(got.value - value) < 1e-9 * max(1.0, abs(value))), "filing": where})
    return {"exact": sum(r["exact"] for r in rows), "checked": len(rows), "rows": rows}


def _known() -> GraphRecords:
    return GraphRecords(nodes=[
        Company(id="company:nvidia", name="NVIDIA Corporation", roles=(Role.chip_designer,), ticker="NVDA", cik="1045810"),
        Company(id="company:sk-hynix", name="SK hynix Inc.", roles=(Role.memory_producer,)),
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--filings", type=Path, default=Path(os.environ.get("CHAINSHOCK_FILINGS", "../shared/filings")))
    parser.add_argument("--gold", type=Path, default=_gold_path())
    args = parser.parse_args(argv)
    gold = yaml.safe_load(args.gold.read_text())["documents"]
    start = time.perf_counter()
    records = load_filings(args.filings, _known())
    seconds = time.perf_counter() - start
    rel = evaluate_relations(records, gold)
    facts = evaluate_facts(records)
    ok = rel["precision"] >= 0.9 and rel["recall"] >= 0.8 and facts["exact"] == facts["checked"]
    print(json.dumps({"relations": rel, "facts": facts, "seconds": round(seconds, 2), "ok": ok}, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
