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

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from chainshock.errors import ScenarioError

from .capex_costs import electricity_ledger, electricity_spend, financing_ledger, online_gw
from .contracts import Quarter, coverage
from .demand import capex_ledger, demand_pull
from .facts import latest_fact
from .ledger import Ledger
from .matrices import KIND_CODES, ContractTerm, System
from .montecarlo import percentiles, triangular
from .result import CapexReach, CapexResult, CapexShock
from .scenario import DEFAULT_ONLINE_LAG, DEFAULT_ONLINE_LAG_BASIS, Range, Scenario

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


def _margins(system: System, facts: pd.DataFrame, sources: pd.DataFrame, nodes: list[int],
             cost_to_revenue: np.ndarray | None) -> tuple[np.ndarray, list[int]]:
    """Filed operating margin (operating income / revenue) of ``nodes``; else 1 − cost-to-revenue.

    Returns the margins (NaN elsewhere) and the nodes that fell back to the gross margin.
    """
    margin = np.full(system.n, np.nan)
    fallback: list[int] = []
    for k in nodes:
        oi = latest_fact(facts, sources, system.ids[k], ("operating_income",))
        rev = latest_fact(facts, sources, system.ids[k], ("revenue",))
        if oi is not None and rev is not None and rev.value > 0:
            margin[k] = oi.value / rev.value
        elif cost_to_revenue is not None:
            margin[k] = max(0.0, 1.0 - float(cost_to_revenue[k]))
            fallback.append(k)
    return margin, fallback


def _draw(r: Range, C: int, rng: np.random.Generator) -> np.ndarray:
    """Column 0 the base, columns 1.. triangular draws of ``r``."""
    out = np.full(C, r.base)
    if C > 1:
        out[1:] = triangular(np.array([r.low]), np.array([r.base]), np.array([r.high]), C - 1, rng)[0]
    return out


def _delivering(system: System, supply: np.ndarray, qs: Sequence[Quarter] | None, terms: Sequence[ContractTerm],
                Q: int) -> tuple[np.ndarray, list[str]]:
    """Weights (Q, S) of the electricity supply edges: base cost share × the part of each quarter it delivers.

    An edge whose buyer and seller are parties to electricity contracts delivers while one of them is in
    force (a PPA for a plant that restarts in 2028 delivers nothing before); an edge with no contract always.
    """
    w = np.repeat(system.base[supply][None, :], Q, axis=0)
    waiting: list[str] = []
    if qs is None:
        return w, waiting
    for s, e in enumerate(supply):
        seller, buyer = system.ids[system.rows[e]], system.ids[system.cols[e]]
        mine = [t for t in terms if t.buyer == buyer and seller in t.sellers and t.product == system.products[e]]
        if not mine:
            continue
        cover = np.array([max(coverage(q, t.start, t.end) for t in mine) for q in qs[:Q]])
        w[:, s] *= cover
        if cover.min() < 1:
            first = next((q.label for q, c in zip(qs, cover, strict=False) if c > 0), None)
            waiting.append(f"{seller} → {buyer} from {first or 'after the horizon'}")
    return w, waiting


def _running_costs(
    system: System, facts: pd.DataFrame, sources: pd.DataFrame, scenario: Scenario, dcapex: np.ndarray, Q: int,
    rng: np.random.Generator, *, segment: np.ndarray, product: np.ndarray, cost_to_revenue: np.ndarray | None,
    qs: Sequence[Quarter] | None, terms: Sequence[ContractTerm],
) -> tuple[Ledger, list[str]]:
    """Electricity drawn by the capacity the extra capex buys, and interest on its debt-financed share."""
    spec = scenario.capex
    assert spec is not None
    C = dcapex.shape[1]
    per_gw, load, price = (_draw(r, C, rng) for r in (spec.usd_per_gw, spec.load_factor, spec.usd_per_mwh))
    debt, rate = _draw(spec.debt_share, C, rng), _draw(spec.cost_of_debt, C, rng)
    lag = spec.online_lag_quarters
    spend = electricity_spend(online_gw(dcapex, per_gw, lag, Q), load, price)
    is_power = np.array([p == "product:electricity" for p in system.products], dtype=bool)
    supply = np.flatnonzero(is_power & (system.kinds == KIND_CODES["SUPPLIES"]) & (np.abs(dcapex[system.cols, 0]) > 0))
    suppliers, buyers = system.rows[supply], system.cols[supply]
    margin, fallback = _margins(system, facts, sources, sorted(set(suppliers.tolist())), cost_to_revenue)
    weight, waiting = _delivering(system, supply, qs, terms, Q)
    power = electricity_ledger(spend, suppliers, buyers, weight, margin, segment=segment, product=product)
    interest = financing_ledger(dcapex, debt, rate, Q, segment=segment, product=product)
    gw_end = float(online_gw(dcapex, per_gw, lag, Q)[-1, :, 0].sum())
    unserved = sorted(system.ids[k] for k in np.flatnonzero(np.abs(dcapex[:, 0]) > 0) if k not in set(buyers.tolist()))
    notes = [
        f"Capex → electricity (estimate): the extra capex buys capacity at ${spec.usd_per_gw.base / 1e9:g}B/GW "
        f"(${spec.usd_per_gw.low / 1e9:g}–{spec.usd_per_gw.high / 1e9:g}B; {spec.usd_per_gw.basis}), online "
        f"{lag} quarters after it is spent ({DEFAULT_ONLINE_LAG_BASIS if lag == DEFAULT_ONLINE_LAG else 'scenario'}); "
        f"{gw_end:.1f} GW by the last quarter at base, drawing {spec.load_factor.base:.0%} of capacity "
        f"({spec.load_factor.low:.0%}–{spec.load_factor.high:.0%}; {spec.load_factor.basis}) at "
        f"${spec.usd_per_mwh.base:g}/MWh (${spec.usd_per_mwh.low:g}–{spec.usd_per_mwh.high:g}; {spec.usd_per_mwh.basis}).",
        "Capex → electricity: each hyperscaler pays it to the utilities that supply it in the graph (PPAs included: "
        "the price is fixed, the volume flows), split by those edges' base cost shares — all of it, an upper bound "
        "for them; they keep their operating margin and pay the rest outside the graph"
        + (f"; {', '.join(unserved)} have no electricity supplier in the graph and pay producers outside it." if unserved else "."),
        f"Capex financing (estimate): {spec.debt_share.base:.0%} of the extra capex is debt-financed "
        f"({spec.debt_share.low:.0%}–{spec.debt_share.high:.0%}; {spec.debt_share.basis}) at "
        f"{spec.cost_of_debt.base:.1%} ({spec.cost_of_debt.low:.1%}–{spec.cost_of_debt.high:.1%}; {spec.cost_of_debt.basis}); "
        "the interest is a cost of the hyperscaler (so its Δoperating income is after financing) paid to lenders outside the graph.",
    ]
    if waiting:
        notes.append("Capex → electricity: a PPA delivers only once it starts; before then its buyer's new load goes "
                     "to its other suppliers in the graph, or outside it: " + "; ".join(waiting) + ".")
    if fallback:
        notes.append("Capex → electricity: no filed operating margin for " + ", ".join(system.ids[k] for k in fallback)
                     + "; they keep 1 − cost-to-revenue (a gross margin: an upper bound, estimate).")
    return power.add(interest), notes


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
    qs: Sequence[Quarter] | None = None,
    terms: Sequence[ContractTerm] = (),
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
    costs, cost_notes = _running_costs(system, facts, sources, scenario, dcapex, Q, rng, segment=segment,
                                       product=product, cost_to_revenue=cost_to_revenue, qs=qs, terms=terms)
    ledger = ledger.add(costs)
    notes += cost_notes
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
