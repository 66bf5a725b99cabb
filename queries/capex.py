"""A capex scenario: who spends how much more, where it lands, and what it earns.

Reads the scenario's capex block and the facts (latest capex per
hyperscaler, backlogs, operating margins, servers' useful lives), runs the
demand-pull model (:mod:`chainshock.queries.demand`) on the value-terms
``A`` and books the result in the dollar ledger
(:func:`~chainshock.queries.demand.capex_ledger`): builders earn their extra
revenue at their filed operating margins, hyperscalers depreciate the extra
capex over their filed servers' lives.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from chainshock.errors import ScenarioError

from .demand import capex_ledger, demand_pull
from .facts import latest_fact
from .ledger import Ledger
from .matrices import System
from .montecarlo import percentiles, triangular
from .result import CapexReach, CapexResult, CapexShock
from .scenario import Scenario

__all__ = ["DEFAULT_LIFE_YEARS", "CapexRun", "run_capex"]

_BACKLOG_METRICS = ("backlog", "remaining_performance_obligations")
# servers' life when a hyperscaler files none: the filers' own figures are 5-6 years
DEFAULT_LIFE_YEARS = 6.0


@dataclass(frozen=True)
class CapexRun:
    result: CapexResult
    ledger: Ledger
    notes: list[str]


def _changes(system: System, facts: pd.DataFrame, sources: pd.DataFrame, scenario: Scenario) -> dict[str, tuple[float, float, str]]:
    spec = scenario.capex
    assert spec is not None
    delta: dict[str, tuple[float, float, str]] = {}  # company -> (baseline, change, source)
    if spec.from_usd is not None and spec.to_usd is not None:
        who = spec.companies or [
            system.ids[k] for k in range(system.n) if system.labels[k] == "Company" and "hyperscaler" in system.roles[k]
        ]
        if not who:
            raise ScenarioError("capex: the graph has no hyperscalers; list capex.companies")
        have = {c: f for c in who if (f := latest_fact(facts, sources, c, ("capex",))) is not None}
        total = sum(f.value for f in have.values())
        for c in who:
            if have and total > 0:
                if c not in have:
                    continue
                share = have[c].value / total
                src = f"{share:.1%} of the scenario total, by {have[c].source}"
            else:
                share, src = 1 / len(who), "equal split of the scenario total (no capex facts in the graph)"
            delta[c] = (spec.from_usd * share, (spec.to_usd - spec.from_usd) * share, src)
    for ch in spec.changes:
        if ch.baseline_usd is not None:
            baseline, src = ch.baseline_usd, "scenario baseline_usd"
        else:
            fact = latest_fact(facts, sources, ch.company, ("capex",))
            if fact is None:
                raise ScenarioError(f"capex: no capex fact for {ch.company}; give baseline_usd in the scenario")
            baseline, src = fact.value, fact.source
        new = ch.to_usd if ch.to_usd is not None else baseline * (1 + (ch.pct or 0.0) / 100)
        delta[ch.company] = (baseline, new - baseline, src)
    return delta


def _life(facts: pd.DataFrame, company: str) -> tuple[float, str]:
    if facts is not None and not facts.empty:
        rows = facts[(facts["company"] == company) & (facts["metric"] == "server_useful_life")]
        if not rows.empty:
            r = rows.sort_values("period_end").iloc[-1]
            return float(r["value"]), f"filed servers' life {float(r['value']):g} years ({r['source_id']})"
    return DEFAULT_LIFE_YEARS, f"no filed servers' life: chainshock default {DEFAULT_LIFE_YEARS:g} years"


def run_capex(
    system: System,
    facts: pd.DataFrame,
    sources: pd.DataFrame,
    scenario: Scenario,
    V: np.ndarray,
    Q: int,
    *,
    segment: np.ndarray,
    product: np.ndarray,
    cost_to_revenue: np.ndarray | None = None,
) -> CapexRun:
    """Demand-pull of the scenario's capex change, its result rows and its ledger."""
    n, C = system.n, V.shape[1]
    D = C - 1
    dcapex = np.zeros((n, C))
    shocks = []
    life = np.full(n, np.nan)
    notes: list[str] = []
    for c, (baseline, change, src) in sorted(_changes(system, facts, sources, scenario).items()):
        k = system.index.get(c)
        if k is None:
            raise ScenarioError(f"capex: {c} carries no price in the graph")
        dcapex[k] = change
        life[k], why = _life(facts, c)
        notes.append(f"Depreciation of {system.names[k]}'s extra capex: {why}.")
        shocks.append(CapexShock(company=c, name=system.names[k], baseline_usd=baseline,
                                 shocked_usd=baseline + change, change_usd=change, baseline_source=src))
    rng = np.random.default_rng([scenario.seed, 4])
    r = system.capex_ranges
    shares = np.repeat(r[:, 1:2], C, axis=1)
    if D > 0 and r.shape[0]:
        shares[:, 1:] = triangular(r[:, 0], r[:, 1], r[:, 2], D, rng)
    if shares.shape[0]:
        totals = np.zeros((n, C))
        np.add.at(totals, system.capex_cols, shares)
        shares = shares * np.where(totals > 1, 1 / np.maximum(totals, 1e-300), 1.0)[system.capex_cols]
    dx, dd = demand_pull(system.rows, system.cols, V, system.capex_rows, system.capex_cols, shares, dcapex)
    total = dcapex.sum(axis=0)
    unallocated = total - dd.sum(axis=0)
    margin = np.full(n, np.nan)
    for k in range(n):
        if system.labels[k] != "Company" or abs(dx[k, 0]) <= 0:
            continue
        oi = latest_fact(facts, sources, system.ids[k], ("operating_income",))
        rev = latest_fact(facts, sources, system.ids[k], ("revenue",))
        if oi is not None and rev is not None and rev.value > 0:
            margin[k] = oi.value / rev.value
    unknown = [k for k in range(n) if system.labels[k] == "Company" and abs(dx[k, 0]) > 0
               and np.isnan(margin[k]) and not segment[k]]
    if unknown and cost_to_revenue is not None:
        for k in unknown:
            margin[k] = max(0.0, 1.0 - float(cost_to_revenue[k]))
        notes.append(
            "Capex: no filed operating margin (operating income / revenue) for "
            + ", ".join(system.ids[k] for k in unknown)
            + "; their extra revenue is booked at 1 − cost-to-revenue (a gross margin: an upper bound, estimate)."
        )
    ledger = capex_ledger(system.rows, system.cols, V, dx, dcapex, unallocated, margin, life, Q,
                          segment=segment, product=product)
    reached: list[CapexReach] = []
    scale = max(abs(float(total[0])), 1.0)
    for k in np.argsort(-np.abs(dx[:, 0])):
        if abs(dx[k, 0]) <= scale * 1e-9:
            break
        p5, p50, p95 = (None, None, None) if D <= 0 else (float(x[0]) for x in percentiles(dx[k][None, :]))
        backlog = latest_fact(facts, sources, system.ids[k], _BACKLOG_METRICS) if system.labels[k] == "Company" else None
        from .impacts import tier

        reached.append(CapexReach(
            node=system.ids[k], name=system.names[k], label=system.labels[k], tier=tier(system, k),
            revenue_change_usd=float(dx[k, 0]), p5=p5, p50=p50, p95=p95, direct_usd=float(dd[k, 0]),
            backlog_usd=backlog.value if backlog else None, backlog_metric=backlog.metric if backlog else None,
            backlog_period_end=backlog.period_end if backlog else None,
            backlog_source=backlog.source if backlog else None,
            ratio_to_backlog=float(dx[k, 0] / backlog.value) if backlog and backlog.value else None,
        ))
    result = CapexResult(shocks=shocks, total_change_usd=float(total[0]), allocated_usd=float(dd[:, 0].sum()),
                         unallocated_usd=float(unallocated[0]), reached=reached)
    return CapexRun(result, ledger, notes)
