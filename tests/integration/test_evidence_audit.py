"""The bundled dataset's evidence, audited: quotes verbatim, parties named, strict build.

The local-filing check needs the shared filings (``CHAINSHOCK_FILINGS`` or
``../shared/filings``); without them it fails rather than skips, because a
skipped check would let a misquoted filing pass.
"""

from __future__ import annotations

import pytest
from support import SHARED_FILINGS, run_cli

from chainshock.build import gather
from chainshock.cli.audit_cmd import local_filing_texts
from chainshock.data import data_dir
from chainshock.graph.audit import audit_tables, consistency_problems, verify_quotes
from chainshock.graph.snapshot import records_to_tables


@pytest.fixture(scope="module")
def tables():
    records, _ = gather(data_dir())
    return records_to_tables(records)


def test_every_local_filing_quote_is_verbatim(tables):
    assert (SHARED_FILINGS / "edgar" / "filings").is_dir(), (
        f"shared filings not found at {SHARED_FILINGS}: set CHAINSHOCK_FILINGS to the EDGAR fixtures"
    )
    accessions = {a for a in tables["sources"]["accession"].dropna()}
    texts = local_filing_texts(SHARED_FILINGS, accessions)
    assert len(texts) >= 5, f"expected the dataset to cite at least 5 local filings, found {sorted(texts)}"
    checked, failures = verify_quotes(tables, texts)
    assert checked >= 100
    assert failures == [], "\n".join(f"{f['subject']}: {f['quote'][:100]}" for f in failures)


def test_a_changed_word_is_caught(tables):
    texts = local_filing_texts(SHARED_FILINGS, {"0001045810-25-000023"})
    ev = tables["evidence"]
    row = ev[ev["source_id"] == "src:sec-2025-02-26-nvda-10k-fy2025"].iloc[0]
    tampered = tables["evidence"].copy()
    tampered.loc[row.name, "quote"] = row["quote"].replace(" ", " not ", 1)
    _, failures = verify_quotes({**tables, "evidence": tampered}, texts)
    assert [f["subject"] for f in failures] == [row["subject_id"]]


def test_xbrl_citations_match_companyfacts(tables):
    import json

    from chainshock.graph.audit import verify_xbrl

    folder = SHARED_FILINGS / "edgar" / "companyfacts"
    assert folder.is_dir(), f"companyfacts not found at {folder}: set CHAINSHOCK_FILINGS"
    facts = {str(int(p.stem[3:])): json.loads(p.read_text()) for p in folder.glob("CIK*.json")}
    checked, failures = verify_xbrl(tables, facts)
    assert checked >= 10
    assert failures == []


def test_no_edge_is_unsupported_and_targets_hold(tables):
    audit = audit_tables(tables)
    assert [a.id for a in audit.unsupported] == []
    assert [(a.id, a.problems) for a in audit.edges if a.problems] == []
    summary = audit.summary()["edges"]
    supplies, uses = summary["SUPPLIES"], summary["USES"]
    assert supplies["proven"] / supplies["total"] >= 0.70, supplies
    assert uses["proven"] / uses["total"] >= 0.50, uses
    assert consistency_problems(tables) == []


def test_strict_build_and_audit_cli(tmp_path):
    run_cli("build", "--strict", home=tmp_path, check=True)
    proc = run_cli("audit", "--json", "--strict", home=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert '"unsupported": 0' in proc.stdout
