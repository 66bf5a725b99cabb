"""A filing held out of rule writing, dropped alone into an EDGAR layout, yields its supply chain."""

from __future__ import annotations

import os
from pathlib import Path

from edgar_support import known_records

from chainshock.graph.schema import GraphRecords
from chainshock.loaders.edgar import load_filings

# NVIDIA's FY2023 10-K is in the corpus's test split: no rule was written from it, and its
# supply paragraph names fifteen companies no development filing names.
HELD_OUT = "edgar/filings/1045810/0001045810-23-000017/nvda-20230129.htm"


def _layout(filings: Path, tmp: Path, rel: str) -> Path:
    target = tmp / rel
    target.parent.mkdir(parents=True)
    os.symlink(filings / rel, target)
    return tmp


def _supplies_to_nvidia(records: GraphRecords) -> dict[str, str]:
    return {e.source: e.evidence[0].quote for e in records.edges if e.type == "SUPPLIES" and e.target == "company:nvidia"}


def test_held_out_filing_yields_supply_relations_with_quotes(filings: Path, tmp_path: Path) -> None:
    records = load_filings(_layout(filings, tmp_path, HELD_OUT), known_records(), embedder=None)
    supplies = _supplies_to_nvidia(records)
    # the foundry (known by alias), new assembly/test and substrate suppliers, memory
    assert "company:tsmc" in supplies
    for new in ("company:amkor", "company:king-yuan-electronics", "company:ibiden", "company:spil",
                "company:kinsus-interconnect-technology", "company:unimicron-technology", "company:jabil", "company:sk-hynix"):
        assert new in supplies, (new, sorted(supplies))
        assert supplies[new], new
    assert "Amkor Technology" in supplies["company:amkor"]
    # new companies enter as nodes, with roles from the relation
    nodes = {n.id: n for n in records.nodes}
    assert "packaging" in nodes["company:king-yuan-electronics"].roles and not nodes["company:king-yuan-electronics"].resolved
    # competitors are never supply edges
    for rival in ("company:advanced-micro-devices", "company:qualcomm", "company:cisco-systems"):
        assert rival not in supplies
    assert not [s for s, reason in records.skipped if "could not parse" in reason]


def test_unknown_filer_without_company_json_does_not_crash(filings: Path, tmp_path: Path) -> None:
    # IBM: no companyfacts, no submissions, not in the curated companies
    rel = "edgar/filings/51143/0000051143-24-000012/ibm-20231231.htm"
    records = load_filings(_layout(filings, tmp_path, rel), GraphRecords(), embedder=None)
    assert [s.accession for s in records.sources] == ["0000051143-24-000012"]
    # IBM's partners and competitors are measured by `make eval`, but are not supply edges
    assert not [e for e in records.edges if e.type == "SUPPLIES"]
