"""build_comparison: winners and payers of two runs matched by node, from each ledger."""

from __future__ import annotations

import re

from chainshock.queries.result import Impact, LedgerEntry, ScenarioInfo, ShockResult
from chainshock.viz.compare_report import build_comparison, render_comparison


def _run(name: str, amounts: dict[str, float], quarters: tuple[str, ...] = ("2026Q1", "2026Q2")) -> ShockResult:
    ledger = [
        LedgerEntry(
            node=node, name=node.upper(), kind="company", quarter=q,
            revenue_change_usd=max(v, 0.0) / len(quarters), cost_change_usd=max(-v, 0.0) / len(quarters),
            operating_income_change_usd=v / len(quarters),
        )
        for node, v in amounts.items()
        for q in quarters
    ]
    impacts = [Impact(node=n, name=n.upper(), label="Company", tier="chips", price_change=0.01) for n in amounts]
    return ShockResult(scenario=ScenarioInfo(name=name, quarters=list(quarters)), impacts=impacts, ledger=ledger)


def test_a_node_missing_from_one_ledger_gets_no_number_not_zero():
    sec = build_comparison(_run("a", {"m": 4e9, "x": -4e9}), _run("b", {"m": 5e9, "x": -3e9, "n": 1e9, "y": -2e9}))
    by = {r.node: r for r in sec.winners + sec.payers}
    assert by["n"].a_usd is None and by["n"].b_usd == 1e9 and by["n"].delta_usd is None
    assert by["m"].delta_usd == 1e9 and by["x"].delta_usd == 1e9
    md = render_comparison(sec, "md")
    assert "| N | — | +$1.00 bn | — |" in md


def test_a_node_that_flips_sits_where_its_larger_amount_puts_it():
    sec = build_comparison(_run("a", {"f": 1e9, "x": -1e9}), _run("b", {"f": -3e9, "x": 3e9}))
    assert [r.node for r in sec.payers] == ["f"] and [r.node for r in sec.winners] == ["x"]
    assert sec.payers[0].a_usd == 1e9 and sec.payers[0].b_usd == -3e9


def test_summary_is_short_and_says_when_the_spans_differ():
    sec = build_comparison(_run("a", {"m": 1e9, "x": -1e9}), _run("b", {"m": 2e9, "x": -2e9}, ("2026Q1",)))
    assert 1 <= len(sec.summary) <= 6
    assert any("different spans" in n for n in sec.notes)
    assert sec.summary[1].startswith("Who gains: M +$1.00 bn in a, +$2.00 bn in b")


def test_hostile_names_stay_text():
    evil = "<img src=x onerror=alert(1)> | *S&P*"
    a, b = _run("a", {"m": 1e9}), _run("b", {"m": 2e9})
    for r in (a, b):
        for row in r.ledger:
            row.name = evil
        for imp in r.impacts:
            imp.name = evil
    sec = build_comparison(a, b)
    html = render_comparison(sec, "html")
    assert "<img" not in html and "&lt;img src=x" in html
    md = render_comparison(sec, "md")
    assert re.search(r"(?<!\\)<img", md) is None and "\\<img" in md and "S&P" in md
