"""Index exposure on the bundled dataset: KOSPI, TAIEX, S&P 500, cap vs equal weight.

The memory-squeeze scenario raises memory prices; Samsung and SK hynix earn the
windfall (the ledger), so the cap-weighted KOSPI (more than half memory makers)
rises by the present value of their after-tax windfall over its market value,
while an equal-weight view of the same index, where the two are 2 of ~840
members, barely moves. Every index row names its market value and the facts
behind its constituents' earnings.
"""

from __future__ import annotations

import json

import pytest
from support import REPO, run_cli

from chainshock.queries.result import IndexImpact, ShockResult


@pytest.fixture(scope="module")
def squeeze(built_home) -> ShockResult:
    proc = run_cli(
        "shock", str(REPO / "scenarios" / "memory-squeeze.yaml"), "--json", "--draws", "200", home=built_home
    )
    assert proc.returncode == 0, proc.stderr
    return ShockResult.model_validate(json.loads(proc.stdout))


def _rows(result: ShockResult) -> dict[tuple[str, str], IndexImpact]:
    return {(i.index, i.weighting): i for i in result.indexes}


def test_kospi_rises_on_the_memory_windfall(squeeze):
    kospi = _rows(squeeze)[("index:kospi", "cap")]
    assert kospi.coverage > 0.5 and kospi.valuation == "pv"
    # two years of after-tax windfall (tens of $B) against a ~$4.6T market: under 2%, not the 27% a
    # constant P/E on one year's earnings claimed
    assert 0.002 < kospi.change < 0.02
    assert kospi.market_cap_source and kospi.path[0].change < kospi.path[-1].change
    assert kospi.p5 is not None and kospi.p95 is not None and kospi.p5 <= kospi.change <= kospi.p95
    movers = {t.company for t in kospi.top if t.contribution > 0}
    assert {"company:sk-hynix", "company:samsung-electronics"} <= movers
    # a 15-30% price rise on what they sell lifts a memory maker's operating income a
    # lot (the added revenue is nearly all margin) but does not multiply it
    assert kospi.top
    for t in kospi.top:
        assert t.value_change_usd and t.value_change_usd > 0, t
        if t.earnings_change is not None:
            assert 0.0 < t.earnings_change < 1.5, t


def test_kospi_cap_and_equal_weight_readings_differ(squeeze):
    rows = _rows(squeeze)
    cap, equal = rows[("index:kospi", "cap")], rows[("index:kospi", "equal")]
    assert equal.equal_weight_view and "equal-weight view" in equal.name
    assert equal.members and 800 <= equal.members <= 950
    assert "per member" in equal.note and "member count from the index data" in equal.note
    # every graph member weighs 1/N, so the memory makers carry ~0.24% between them
    assert all(t.weight == pytest.approx(1 / equal.members) for t in equal.top)
    assert equal.coverage == pytest.approx(2 / equal.members)
    assert 0 < equal.change < cap.change / 10


def test_taiex_responds(squeeze):
    rows = _rows(squeeze)
    cap, equal = rows[("index:taiex", "cap")], rows[("index:taiex", "equal")]
    assert cap.change != 0.0 and cap.coverage > 0.4
    assert {t.company for t in cap.top} & {"company:foxconn", "company:quanta-computer", "company:wistron"}
    assert equal.equal_weight_view and equal.members and equal.members >= 900
    assert abs(equal.change) < abs(cap.change)


def test_sp500_cap_and_published_equal_weight_both_appear(squeeze):
    rows = _rows(squeeze)
    cap, equal = rows[("index:sp500", "cap")], rows[("index:sp500-equal-weight", "equal")]
    assert not equal.equal_weight_view  # the published index, not a computed view
    assert equal.members == 500
    assert all(b.weight == pytest.approx(1 / 500) for b in equal.baselines)
    assert ("index:sp500", "equal") not in rows  # no duplicate view next to the published index
    assert cap.change != equal.change


def test_every_index_row_names_its_earnings_sources(squeeze):
    assert squeeze.indexes
    for row in squeeze.indexes:
        assert row.baselines, row.index
        assert {b.company for b in row.baselines} >= {t.company for t in row.top}
        assert row.valuation == "pv"
        assert row.top, row.index
        for t in row.top:
            assert t.value_change_usd is not None, (row.index, t.company)
        for b in row.baselines:
            if b.earnings_change is not None:
                assert b.earnings_usd and b.source, (row.index, b.company)
                # a source names the metric, the period and the document it is read from
                assert b.source.startswith("operating_income"), b.source
                assert "http" in b.source or "10-K" in b.source or "8-K" in b.source, b.source
    hynix = next(b for b in _rows(squeeze)[("index:kospi", "cap")].baselines if b.company == "company:sk-hynix")
    assert hynix.source.startswith("operating_income FY2025")
