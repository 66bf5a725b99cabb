"""Run a scenario on a snapshot: the one place the models meet the graph.

:func:`run_shock` takes an opened snapshot and a resolved
:class:`~chainshock.queries.scenario.Scenario` and returns a
:class:`~chainshock.queries.result.ShockResult`. It reads tables, never
files; :func:`prepare` resolves node names in a scenario against the
snapshot. The CLI (``chainshock shock``) and the reports wrap these two.

Examples
--------
>>> from chainshock.queries.scenario import scenario_from_shock
>>> snap = _demo_snapshot()
>>> result = run_shock(snap, scenario_from_shock("product:hbm", 30, draws=0), start="2026Q1")
>>> {i.node: round(i.price_change, 4) for i in result.impacts}
{'product:hbm': 0.3, 'company:nvidia': 0.045, 'company:buyers': 0.0045}
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from chainshock.errors import ScenarioError

from .attribution import top_walks
from .contracts import (
    Quarter,
    cost_change,
    current_quarter,
    parse_quarter,
    quarterly_path,
    quarters,
    shields,
)
from .demand import demand_pull
from .exposure import index_change
from .matrices import ContractTerm, System, build_system, contract_terms
from .montecarlo import percentiles, sample, triangular
from .propagation import check_convergence, neumann_draws, price_operator, scatter_matrix
from .result import (
    CapexReach,
    CapexResult,
    CapexShock,
    ContractShield,
    Impact,
    IndexBaseline,
    IndexContribution,
    IndexImpact,
    PathEdge,
    QuarterValue,
    ScenarioInfo,
    ShockPath,
    ShockResult,
    ShockSpec,
)
from .scenario import Scenario, resolve_scenario

__all__ = ["FactRef", "latest_fact", "prepare", "run_scenario", "run_shock"]

_KIND_NAMES = {0: "USES", 1: "SUPPLIES", 2: "PRODUCES"}
_TINY = 1e-12
_EARNINGS_METRICS = ("operating_income", "net_income")
_BACKLOG_METRICS = ("backlog", "remaining_performance_obligations")


@dataclass(frozen=True)
class FactRef:
    """A value read from the facts table, and where it comes from."""

    value: float
    metric: str
    period_end: str
    source: str
    estimate: tuple[float, float, float] | None = None  # (low, base, high) when the fact is an estimate


def _source_text(sources: pd.DataFrame, source_id: str) -> str:
    row = sources[sources["id"] == source_id]
    if row.empty:
        return source_id
    r = row.iloc[0]
    if isinstance(r.get("accession"), str) and r["accession"]:
        form = r.get("form") if isinstance(r.get("form"), str) else "filing"
        return f"{form} {r['accession']}"
    if isinstance(r.get("url"), str) and r["url"]:
        return str(r["url"])
    return source_id


def latest_fact(facts: pd.DataFrame, sources: pd.DataFrame, company: str, metrics: tuple[str, ...]) -> FactRef | None:
    """The latest annual (else latest) USD value of the first metric a company has.

    >>> f = pd.DataFrame({"company": ["c:a", "c:a"], "metric": ["capex", "capex"], "fiscal_year": [2024, 2025],
    ...     "fiscal_period": ["FY", "FY"], "period_end": [dt.date(2024, 12, 31), dt.date(2025, 12, 31)],
    ...     "value": [1.0, 2.0], "unit": ["USD", "USD"], "source_id": ["s", "s"]})
    >>> latest_fact(f, pd.DataFrame({"id": []}), "c:a", ("capex",)).value
    2.0
    """
    if facts.empty:
        return None
    mine = facts[(facts["company"] == company) & (facts["unit"].fillna("USD") == "USD")]
    for metric in metrics:
        rows = mine[mine["metric"] == metric]
        if rows.empty:
            continue
        annual = rows[rows["fiscal_period"] == "FY"]
        pick = (annual if not annual.empty else rows).sort_values("period_end", kind="mergesort").iloc[-1]
        fy = pick["fiscal_year"]
        label = f"FY{int(fy)}" if pd.notna(fy) and pick["fiscal_period"] == "FY" else f"period ending {pick['period_end']}"
        return FactRef(
            value=float(pick["value"]),
            metric=metric,
            period_end=str(pick["period_end"]),
            source=f"{metric} {label} ({_source_text(sources, str(pick['source_id']))})",
            estimate=_triple(_props(pick.get("estimate"))) if isinstance(pick.get("estimate"), str) else None,
        )
    return None


def prepare(snapshot: Any, scenario: Scenario, where: Callable[[tuple[Any, ...]], str] | None = None) -> Scenario:
    """Resolve every name in ``scenario`` (id, ticker or name) against ``snapshot``."""
    from chainshock.graph.lookup import resolve_node

    nodes = snapshot.nodes
    contracts = set(nodes.loc[nodes["label"] == "Contract", "id"])
    return resolve_scenario(
        scenario, lambda text, labels: resolve_node(nodes, text, labels), where, contracts
    )


def _props(text: Any) -> dict[str, Any]:
    return json.loads(text) if isinstance(text, str) and text else {}


def _triple(value: Any) -> tuple[float, float, float] | None:
    if isinstance(value, dict) and "base" in value:
        b = float(value["base"])
        return float(value.get("low", b)), b, float(value.get("high", b))
    if isinstance(value, int | float):
        return float(value), float(value), float(value)
    return None


def _with_overrides(system: System, scenario: Scenario) -> tuple[System, list[str]]:
    """Apply the scenario's pass-through overrides (per node, then per role default)."""
    lo, base, hi = system.theta_low.copy(), system.theta_base.copy(), system.theta_high.copy()
    source = list(system.theta_source)
    notes: list[str] = []
    for k, (label, roles) in enumerate(zip(system.labels, system.roles, strict=True)):
        if label != "Company" or "consumer_segment" in roles:
            continue
        if system.ids[k] in scenario.pass_through:
            r = scenario.pass_through[system.ids[k]]
            lo[k], base[k], hi[k] = r.triple()
            source[k] = f"scenario override: {r.basis}"
            continue
        matches = [scenario.pass_through_defaults[r] for r in roles if r in scenario.pass_through_defaults]
        if matches and source[k].startswith("chainshock default"):
            r = min(matches, key=lambda m: m.base)
            lo[k], base[k], hi[k] = r.triple()
            source[k] = f"scenario default by role: {r.basis}"
    if scenario.pass_through:
        notes.append(f"Pass-through overridden by the scenario for {len(scenario.pass_through)} companies.")
    return replace(system, theta_low=lo, theta_base=base, theta_high=hi, theta_source=tuple(source)), notes


def _terms(snapshot: Any, scenario: Scenario) -> list[ContractTerm]:
    terms = contract_terms(snapshot.nodes, snapshot.edges)
    terms = [replace(t, end=scenario.contract_ends[t.contract]) if t.contract in scenario.contract_ends else t for t in terms]
    for c in scenario.assumed_contracts:
        terms.append(
            ContractTerm(
                contract=c.id,
                name=f"{c.id} (assumed by the scenario: {c.basis})",
                kind="assumed",
                buyer=c.buyer,
                sellers=tuple(c.sellers),
                product=c.product,
                price_terms="fixed",
                fixed_share=c.fixed_share.triple(),
                start=c.start,
                end=c.end,
            )
        )
    return terms


def _stats(x: np.ndarray, draws: int) -> tuple[float | None, float | None, float | None]:
    if draws <= 0:
        return None, None, None
    p5, p50, p95 = percentiles(x[None, :])
    return float(p5[0]), float(p50[0]), float(p95[0])


def _rng(seed: int, stream: int) -> np.random.Generator:
    return np.random.default_rng([seed, stream])


def _draw(ranges: np.ndarray, draws: int, rng: np.random.Generator) -> np.ndarray:
    """(K, draws+1) with the base in column 0."""
    ranges = np.asarray(ranges, dtype=float).reshape(-1, 3)
    base = ranges[:, 1:2]
    if draws <= 0:
        return base.copy()
    return np.hstack([base, triangular(ranges[:, 0], ranges[:, 1], ranges[:, 2], draws, rng)])


def run_shock(
    snapshot: Any,
    scenario: Scenario,
    *,
    file: str | None = None,
    start: str | None = None,
    today: dt.date | None = None,
) -> ShockResult:
    """Propagate ``scenario`` through ``snapshot``.

    Parameters
    ----------
    snapshot : Snapshot
        An opened snapshot (``nodes``, ``edges``, ``facts``, ``sources`` tables).
    scenario : Scenario
        With node ids resolved (see :func:`prepare`).
    file : str, optional
        The scenario file, echoed in the result.
    start : str, optional
        First quarter; overrides the scenario's (default: the current quarter).

    Raises
    ------
    ConvergenceError
        When the price (or quantity) system cannot settle.
    ScenarioError
        When the scenario names a node that carries no price, or capex
        baselines cannot be found.
    """
    nodes, edges = snapshot.nodes, snapshot.edges
    facts = snapshot.facts if snapshot.facts is not None else pd.DataFrame()
    sources = snapshot.sources
    system, notes = _with_overrides(build_system(nodes, edges), scenario)
    n, _E = system.n, len(system.rows)
    D = scenario.draws
    first = start or scenario.start or current_quarter(today)
    qs = quarters(first, scenario.horizon_quarters)
    Q = len(qs)
    priced = bool(scenario.shocks)
    assumptions: list[str] = (
        [
            "Price model: Δp = (I − Θ·Aᵀ)⁻¹ s, the Leontief price model with pass-through Θ "
            "(Miller & Blair 2009, §2.6); A[i, j] is the share of j's unit cost bought from i.",
            f"price_change is the base-value change in the last quarter of the horizon ({qs[-1].label}); "
            "steady_state is the long run with every contract expired and every lag played out.",
            "Lags: PRODUCES 0 quarters, USES and SUPPLIES 1 quarter unless an edge gives lag_quarters.",
            *notes,
        ]
        if priced
        else []
    )

    # --- shocks -----------------------------------------------------------
    s = np.zeros(n)
    S = np.zeros((Q, n, 1))
    specs: list[ShockSpec] = []
    for shock in scenario.shocks:
        k = system.index.get(shock.node)
        if k is None:
            raise ScenarioError(f"{shock.node} carries no price (only companies and products do)")
        q0 = _quarter_offset(first, shock.start) if shock.start else 0
        s[k] += shock.fraction
        if q0 < Q:
            S[max(q0, 0) :, k, 0] += shock.fraction
        else:
            assumptions.append(f"The shock on {shock.node} starts after the horizon ({shock.start}).")
        specs.append(
            ShockSpec(
                node=shock.node,
                name=system.names[k],
                label=system.labels[k],
                pct=shock.fraction,
                start_quarter=shock.start or first,
            )
        )

    # --- draws --------------------------------------------------------------
    draws = sample(system, D, scenario.seed)
    V, theta = draws.values, draws.theta
    # Final buyers (consumer segments) pass nothing on (Θ = 0, all absorbed),
    # but what they pay more *is* their price change: as nothing buys from
    # them, carrying their cost in full (Θ = 1) changes no one else's price.
    final = _final_buyers(system)
    carry = theta.copy()
    carry[final] = 1.0
    W = carry[system.cols] * V
    C = draws.columns
    M_base = price_operator(system.coefficients("base"), carry[:, 0])
    conv = check_convergence(M_base, system.ids)
    if not conv.acyclic and priced:
        assumptions.append(f"The graph has {conv.components} supply cycle(s); spectral radius {conv.radius:.3f} < 1.")
    if D > 0:
        assumptions.append(
            f"Monte Carlo: {D} draws (seed {scenario.seed}), each low/base/high range triangular with its mode at base, "
            "ranges independent; P5/P50/P95 over the draws."
        )
        if draws.rescaled or draws.rescaled_market:
            assumptions.append(
                f"Draws scaled back to 100%: {draws.rescaled} of {D} had some buyer's cost shares above 100%, "
                f"{draws.rescaled_market} some product's producer market shares."
            )
    defaults = [system.ids[k] for k, src in enumerate(system.theta_source) if src.startswith("chainshock default")]
    if defaults and priced:
        assumptions.append(
            f"{len(defaults)} companies have no curated pass-through and use chainshock's default by role "
            "(docs/decisions.md): " + ", ".join(defaults[:12]) + (" ..." if len(defaults) > 12 else "")
        )

    # --- contracts -------------------------------------------------------------
    terms = _terms(snapshot, scenario) if scenario.contracts == "honour" else []
    if scenario.contracts == "ignore" and priced:
        assumptions.append("Contracts ignored: every input passes its price on from the first quarter.")
    sh = shields(system, terms, qs)
    F = _draw(np.array([t.fixed_share for t in sh.terms]), D, _rng(scenario.seed, 1))
    mults = [sh.multipliers(F, q) for q in range(Q)] if sh.terms else None
    for t in sh.idle if priced else []:
        assumptions.append(
            f"{t.contract} fixes {t.product} for {t.buyer}, but the graph has no cost share of that "
            "product for that buyer: it shields nothing."
        )
    passthrough_terms = [t for t in terms if t.price_terms != "fixed"]
    if passthrough_terms and priced:
        assumptions.append(
            f"{len(passthrough_terms)} indexed or cost-plus contract coverages pass prices through unchanged."
        )

    # --- solve -------------------------------------------------------------------
    G = scatter_matrix(system.cols, n)
    SS = neumann_draws(system.rows, G, W, np.repeat(s[:, None], C, axis=1))
    P = quarterly_path(system.rows, system.cols, system.lags, W, np.repeat(S, C, axis=2), mults, n)
    cost = cost_change(system.rows, system.cols, system.lags, V, P, mults, n, Q - 1)
    absorbed = (1.0 - theta) * cost  # (n, C)

    # --- money: cost bases, windfalls, earnings ----------------------------------------
    base_usd, base_src = _cost_bases(system, nodes, facts, sources, D, scenario.seed)
    margin = absorbed * base_usd  # NaN where no cost base
    windfall = _windfalls(system, nodes, facts, sources, s, V, D, scenario.seed)

    impacts = _impacts(system, qs, P, SS, cost, margin, base_usd, base_src, windfall, sh, D)
    paths = _paths(system, M_base, s, scenario.top_k, SS[:, 0]) if scenario.top_k > 0 else []
    if priced:
        indexes, idx_notes = _indexes(
            nodes,
            edges,
            facts,
            sources,
            system,
            margin,
            absorbed,
            windfall,
            base_usd,
            scenario,
            getattr(snapshot, "evidence", None),
        )
        assumptions.extend(idx_notes)
    else:
        # a capex change moves revenue, not prices: turning it into earnings would
        # need margins the graph does not hold, so no index change is claimed
        indexes = []
        assumptions.append("No price shock: index exposure and contract shields do not apply.")
    capex = _capex(system, nodes, facts, sources, scenario, V, D) if scenario.capex else None
    if capex is not None and any(c.baseline_source.startswith("equal split") for c in capex.shocks):
        assumptions.append(
            "Capex: the graph holds no capex facts for these hyperscalers, so the scenario total is split equally."
        )
    if capex is not None:
        assumptions.append(
            "Demand-pull: Δx = (I − A)⁻¹ Δd with Δd_i = Σ_j capex_share[i, j]·Δcapex_j (Miller & Blair 2009, §2.3); "
            "revenue changes are annual at the new capex level."
        )
    contracts = [
        ContractShield(
            contract=t.contract,
            name=t.name,
            kind=t.kind,
            buyer=t.buyer,
            sellers=list(t.sellers),
            product=t.product,
            price_terms=t.price_terms,
            fixed_share=t.fixed_share[1],
            start=t.start.isoformat() if t.start else None,
            end=t.end.isoformat() if t.end else None,
            shielded_quarters=[q.label for k, q in enumerate(qs) if sh.cover[k, j] > 0],
            expires_in_horizon=bool(t.end and qs[0].start <= t.end < qs[-1].end),
        )
        for j, t in enumerate(sh.terms)
        if priced
    ]
    info = ScenarioInfo(
        name=scenario.name,
        description=scenario.description,
        file=file,
        shocks=specs,
        horizon_quarters=Q,
        start_quarter=first,
        quarters=[q.label for q in qs],
        draws=D,
        seed=scenario.seed if D > 0 else None,
        top_k=scenario.top_k,
        snapshot=str(getattr(snapshot, "content_hash", "")),
    )
    return ShockResult(
        scenario=info,
        impacts=impacts,
        paths=paths,
        indexes=indexes,
        capex=capex,
        contracts=contracts,
        assumptions=assumptions,
    )


def _final_buyers(system: System) -> np.ndarray:
    """Consumer segments that sell to no one in the graph."""
    sellers = set(system.rows.tolist())
    return np.array(
        [k for k in range(system.n) if "consumer_segment" in system.roles[k] and k not in sellers],
        dtype=np.int64,
    )


def _quarter_offset(first: str, other: str) -> int:
    y0, q0 = parse_quarter(first)
    y1, q1 = parse_quarter(other)
    return (y1 - y0) * 4 + (q1 - q0)


def _cost_bases(
    system: System, nodes: pd.DataFrame, facts: pd.DataFrame, sources: pd.DataFrame, D: int, seed: int
) -> tuple[np.ndarray, list[str | None]]:
    """Cost base per company and draw (NaN when unknown), and its source."""
    n = system.n
    props = dict(zip(nodes["id"], nodes["properties"], strict=True))
    base = np.full((n, 1 if D <= 0 else D + 1), np.nan)
    src: list[str | None] = [None] * n
    rng = _rng(seed, 2)
    for k, node in enumerate(system.ids):
        if system.labels[k] != "Company":
            continue
        p = _props(props.get(node))
        est = _triple(p.get("cost_base_usd"))
        if est is not None:
            base[k] = _draw(np.array([est]), D, rng)[0]
            basis = p["cost_base_usd"].get("basis", "") if isinstance(p["cost_base_usd"], dict) else ""
            src[k] = f"curated estimate cost_base_usd: {basis}".strip()
            continue
        metrics = ("cost_of_revenue", "capex") if set(system.roles[k]) & {"hyperscaler", "neocloud"} else ("cost_of_revenue",)
        fact = latest_fact(facts, sources, node, metrics)
        if fact is not None:
            base[k] = fact.value
            src[k] = fact.source
    return base, src


def _windfalls(
    system: System,
    nodes: pd.DataFrame,
    facts: pd.DataFrame,
    sources: pd.DataFrame,
    s: np.ndarray,
    V: np.ndarray,
    D: int,
    seed: int,
) -> np.ndarray:
    """Revenue gain (USD per year) of producers from an exogenous price rise on what they sell."""
    n = system.n
    out = np.zeros((n, V.shape[1]))
    props = dict(zip(nodes["id"], nodes["properties"], strict=True))
    rng = _rng(seed, 3)
    for k in np.flatnonzero(s):
        if system.labels[k] == "Product":
            est = _triple(_props(props.get(system.ids[k])).get("market_size_usd"))
            if est is None:
                continue
            size = _draw(np.array([est]), D, rng)[0]
            for e in np.flatnonzero((system.cols == k) & (system.kinds == 2)):
                out[system.rows[e]] += s[k] * V[e] * size
        else:
            rev = latest_fact(facts, sources, system.ids[k], ("revenue",))
            if rev is not None:
                out[k] += s[k] * rev.value
    return out


def _impacts(
    system: System,
    qs: list[Quarter],
    P: np.ndarray,
    SS: np.ndarray,
    cost: np.ndarray,
    margin: np.ndarray,
    base_usd: np.ndarray,
    base_src: list[str | None],
    windfall: np.ndarray,
    sh: Any,
    D: int,
) -> list[Impact]:
    from chainshock.graph.schema import TIERS

    last = P[-1]
    pq = np.percentile(P[:, :, 1:], [5, 50, 95], axis=2) if D > 0 else None
    # a buyer counts as shielded when one of its fixed-price terms is in force in the horizon
    shielded = {t.buyer for j, t in enumerate(sh.terms) if sh.cover[:, j].any()}
    out: list[Impact] = []
    for k in range(system.n):
        moved = max(abs(last[k, 0]), abs(SS[k, 0]), float(np.nanmax(np.abs(margin[k]))) if not np.isnan(margin[k]).all() else 0.0)
        if moved <= _TINY:
            continue
        p5, p50, p95 = _stats(last[k], D)
        m = margin[k]
        has_margin = not np.isnan(m[0]) and system.labels[k] == "Company"
        mp5, mp50, mp95 = _stats(m, D) if has_margin else (None, None, None)
        path = [
            QuarterValue(
                quarter=q.label,
                price_change=float(P[j, k, 0]),
                p5=float(pq[0, j, k]) if pq is not None else None,
                p50=float(pq[1, j, k]) if pq is not None else None,
                p95=float(pq[2, j, k]) if pq is not None else None,
            )
            for j, q in enumerate(qs)
        ]
        is_company = system.labels[k] == "Company"
        out.append(
            Impact(
                node=system.ids[k],
                name=system.names[k],
                label=system.labels[k],
                tier=_tier(system, k),
                roles=list(system.roles[k]),
                category=system.categories[k],
                price_change=float(last[k, 0]),
                p5=p5,
                p50=p50,
                p95=p95,
                steady_state=float(SS[k, 0]),
                input_cost_change=float(cost[k, 0]) if is_company else None,
                pass_through=float(system.theta_base[k]) if is_company else None,
                pass_through_source=system.theta_source[k] if is_company else None,
                margin_hit_usd=float(m[0]) if has_margin else None,
                margin_hit_p5=mp5,
                margin_hit_p50=mp50,
                margin_hit_p95=mp95,
                cost_base_usd=float(base_usd[k, 0]) if is_company and not np.isnan(base_usd[k, 0]) else None,
                cost_base_source=base_src[k],
                windfall_usd=float(windfall[k, 0]) if windfall[k, 0] != 0 else None,
                shielded=system.ids[k] in shielded,
                path=path,
            )
        )
    order = {t: i for i, t in enumerate(TIERS)}
    out.sort(key=lambda i: (order.get(i.tier, len(order)), -abs(i.price_change), i.node))
    return out


def _tier(system: System, k: int) -> str:
    from chainshock.graph.schema import tier_of

    return tier_of(system.labels[k], system.roles[k], system.categories[k])


def _paths(system: System, M: Any, s: np.ndarray, k: int, steady: np.ndarray) -> list[ShockPath]:
    walks = top_walks(M, s, k)
    # the entry behind each step (the heaviest when several edges join two nodes)
    step: dict[tuple[int, int], tuple[str, float]] = {}
    for e in range(len(system.rows)):
        key = (int(system.rows[e]), int(system.cols[e]))
        w = float(system.base[e])
        if key not in step or w > step[key][1]:
            step[key] = (_KIND_NAMES[int(system.kinds[e])], w)
    via: dict[tuple[str, str], list[str]] = {}
    for src in system.sourcing:
        via.setdefault((src.product, src.buyer), []).append(src.supplier)
    Mc = M.tocsr()
    out: list[ShockPath] = []
    for target in sorted(walks, key=lambda t: -abs(steady[t])):
        for walk, value in walks[target]:
            edges = []
            for a, b in itertools.pairwise(walk):
                kind = step.get((a, b), ("SUPPLIES", 0.0))[0]
                edges.append(
                    PathEdge(
                        type=kind,
                        source=system.ids[a],
                        target=system.ids[b],
                        weight=float(Mc[b, a]),
                        via=sorted(via.get((system.ids[a], system.ids[b]), [])) if kind == "USES" else [],
                    )
                )
            out.append(
                ShockPath(
                    target=system.ids[target],
                    target_name=system.names[target],
                    shock=system.ids[walk[0]],
                    nodes=[system.ids[v] for v in walk],
                    names=[system.names[v] for v in walk],
                    edges=edges,
                    contribution=float(value),
                    share=float(value / steady[target]) if abs(steady[target]) > _TINY else 0.0,
                )
            )
    return out


def _indexes(
    nodes: pd.DataFrame,
    edges: pd.DataFrame,
    facts: pd.DataFrame,
    sources: pd.DataFrame,
    system: System,
    margin: np.ndarray,
    absorbed: np.ndarray,
    windfall: np.ndarray,
    cost_bases: np.ndarray,
    scenario: Scenario,
    evidence: pd.DataFrame | None = None,
) -> tuple[list[IndexImpact], list[str]]:
    """Index changes under cap and equal weighting, constant P/E.

    A cap-weighted index with no published equal-weight sibling in the graph
    also gets an *equal-weight view*: each of its members (the scenario's
    ``index_members``, else the index's ``members``) weighs ``1/N``.
    """
    idx_nodes = nodes[nodes["label"] == "Index"]
    if idx_nodes.empty:
        return [], []
    notes = [
        "Index exposure: constant P/E, so a constituent's price moves by its earnings change "
        "(windfall − margin hit) / baseline earnings (operating income, else net income, else revenue − cost of revenue "
        "or the curated cost base); constituents without a baseline count as unknown and lower coverage."
    ]
    cons = edges[edges["type"] == "CONSTITUENT_OF"]
    companies = sorted(set(cons["source"]))
    if not companies:
        return [], notes
    cpos = {c: i for i, c in enumerate(companies)}
    C = margin.shape[1]
    change = np.zeros((len(companies), C))
    known = np.ones(len(companies), dtype=bool)
    sized = np.zeros(len(companies), dtype=bool)
    baseline: dict[str, tuple[float, str]] = {}
    rng = _rng(scenario.seed, 5)
    for c in companies:
        k = system.index.get(c)
        cost = float(cost_bases[k, 0]) if k is not None else None
        ref = _earnings_ref(facts, sources, c, cost)
        if ref is not None:
            baseline[c] = (ref[0], ref[1])
        if k is None:
            continue
        hit = np.nan_to_num(margin[k], nan=0.0) if not np.isnan(margin[k, 0]) else np.zeros(C)
        affected = abs(windfall[k, 0]) > 0 or (not np.isnan(margin[k, 0]) and abs(margin[k, 0]) > 0)
        unknown_hit = bool(np.isnan(margin[k, 0]) and abs(absorbed[k, 0]) > _TINY)
        if not affected and not unknown_hit:
            continue
        earn = ref[0] if ref is not None else None
        if earn is None or earn == 0:
            known[cpos[c]] = False
            continue
        # an estimated baseline (a currency conversion, a margin x revenue) is drawn
        # like every other range, so its band reaches P5/P95
        earn_draws = np.full(C, earn)
        if ref is not None and ref[2] is not None and ref[2][0] > 0 and C > 1:
            earn_draws[1:] = _draw(np.array([ref[2]]), C - 1, rng)[0, 1:]
        change[cpos[c]] = (windfall[k] - hit) / np.abs(earn_draws)
        sized[cpos[c]] = True
        if unknown_hit and abs(windfall[k, 0]) == 0:
            # moved in price but no cost base: cannot size the hit
            known[cpos[c]] = False
            sized[cpos[c]] = False
    names = dict(zip(nodes["id"], nodes["name"], strict=True))
    ctx = _IndexContext(companies, names, change, known, sized, baseline)
    out: list[IndexImpact] = []
    by_base: dict[str, str] = {}
    idx_rows = list(idx_nodes.itertuples(index=False))
    for r in idx_rows:
        p = _props(r.properties)
        if p.get("weighting") == "equal" and p.get("base_index"):
            by_base[str(p["base_index"])] = str(r.id)
    views: list[str] = []
    for r in idx_rows:
        p = _props(r.properties)
        index_id, index_name = str(r.id), str(r.name)
        weighting = str(p.get("weighting", "cap"))
        members = cons[cons["target"] == r.id]
        w = np.zeros(len(companies))
        for e in members.itertuples(index=False):
            t = _triple(_props(e.properties).get("weight"))
            if t is not None:
                w[cpos[str(e.source)]] += t[1]
        count, count_source = _member_count(index_id, p, scenario, evidence, sources)
        if weighting == "equal" and count and w.any():
            w = (w > 0) / count
        imp = _index_impact(index_id, index_name, weighting, w, ctx)
        imp.members = count if weighting == "equal" else None
        out.append(imp)
        if weighting != "cap" or index_id in by_base:
            continue
        if not count:
            notes.append(
                f"{index_id}: no equal-weight index in the graph and no member count (index `members` or the "
                "scenario's index_members); equal weighting not computed."
            )
            continue
        eq = (w > 0).astype(float) / count
        view = _index_impact(index_id, f"{index_name} (equal-weight view)", "equal", eq, ctx)
        view.members = count
        view.equal_weight_view = True
        view.note = "; ".join(
            x
            for x in (
                f"equal-weight view computed from the cap-weighted index: 1/{count} per member ({count_source})",
                view.note,
            )
            if x
        )
        out.append(view)
        views.append(f"{index_id} (1/{count})")
    if views:
        notes.append(
            "Equal-weight views (no published equal-weight index in the graph): every member of "
            + ", ".join(views)
            + " weighs the same; members outside the graph are unknown, so coverage is the graph's members' share."
        )
    return out, notes


@dataclass(frozen=True)
class _IndexContext:
    """What every index row is computed from: per-constituent earnings changes and baselines."""

    companies: list[str]
    names: dict[str, str]
    change: np.ndarray  # (companies, draws) earnings change, fraction
    known: np.ndarray  # bool: the change could be computed (or the company did not move)
    sized: np.ndarray  # bool: the company moved and its change was computed
    baseline: dict[str, tuple[float, str]]  # company -> (earnings USD, source)


def _member_count(
    index_id: str,
    props: dict[str, Any],
    scenario: Scenario,
    evidence: pd.DataFrame | None,
    sources: pd.DataFrame,
) -> tuple[int | None, str]:
    """How many members an index has, and where that count comes from.

    The scenario's ``index_members`` wins over the index's own ``members``.

    >>> from chainshock.queries.scenario import scenario_from_shock
    >>> sc, none = scenario_from_shock("product:hbm", 30), pd.DataFrame({"id": []})
    >>> _member_count("index:x", {"members": 839}, sc, None, none)
    (839, 'member count from the index data')
    >>> _member_count("index:x", {"members": 839}, sc.model_copy(update={"index_members": {"index:x": 800}}), None, none)
    (800, 'member count from the scenario')
    """
    if index_id in scenario.index_members:
        return int(scenario.index_members[index_id]), "member count from the scenario"
    members = props.get("members")
    if isinstance(members, bool) or not isinstance(members, int | float) or members < 1:
        return None, ""
    cited = ""
    if evidence is not None and not evidence.empty and "subject_id" in evidence:
        rows = evidence[(evidence["subject_id"] == index_id) & evidence["locator"].fillna("").str.startswith("members")]
        if not rows.empty:
            cited = f": {_source_text(sources, str(rows.iloc[0]['source_id']))}"
    return int(members), f"member count from the index data{cited}"


def _index_impact(
    index: str,
    name: str,
    weighting: str,
    w: np.ndarray,
    ctx: _IndexContext,
) -> IndexImpact:
    companies, names, change, known = ctx.companies, ctx.names, ctx.change, ctx.known
    d, cov = index_change(w[None, :], change, known)
    D = change.shape[1] - 1
    missing = [companies[c] for c in np.flatnonzero((w > 0) & ~known)]
    p5, p50, p95 = _stats(d[0], D)
    contrib = w * np.where(known, change[:, 0], 0.0)
    top = [
        IndexContribution(
            company=companies[c],
            name=names.get(companies[c], companies[c]),
            weight=float(w[c]),
            earnings_change=float(change[c, 0]),
            contribution=float(contrib[c]),
            earnings_source=ctx.baseline[companies[c]][1] if companies[c] in ctx.baseline else "",
        )
        for c in np.argsort(-np.abs(contrib))[:5]
        if abs(contrib[c]) > 0
    ]
    baselines = [
        IndexBaseline(
            company=companies[c],
            name=names.get(companies[c], companies[c]),
            weight=float(w[c]),
            earnings_usd=ctx.baseline[companies[c]][0] if companies[c] in ctx.baseline else None,
            source=ctx.baseline[companies[c]][1] if companies[c] in ctx.baseline else "",
            earnings_change=float(change[c, 0]) if ctx.sized[c] else None,
        )
        for c in np.flatnonzero(w > 0)
    ]
    return IndexImpact(
        index=index,
        name=name,
        weighting=weighting,
        change=float(d[0, 0]),
        p5=p5,
        p50=p50,
        p95=p95,
        coverage=float(cov[0]),
        constituents=int((w > 0).sum()),
        top=top,
        baselines=baselines,
        note=(
            f"moved but not sized (no earnings baseline in the graph: add revenue or operating_income "
            f"facts): {', '.join(missing)}"
            if missing
            else ""
        ),
    )


def _earnings(facts: pd.DataFrame, sources: pd.DataFrame, company: str, cost_base: float | None = None) -> float | None:
    """Baseline annual earnings: operating income, else net income, else revenue minus cost.

    The cost is the latest cost-of-revenue fact, else the company's curated
    ``cost_base_usd`` (so a non-SEC filer with a revenue fact still counts).
    """
    ref = _earnings_ref(facts, sources, company, cost_base)
    return ref[0] if ref is not None else None


def _earnings_ref(
    facts: pd.DataFrame, sources: pd.DataFrame, company: str, cost_base: float | None = None
) -> tuple[float, str, tuple[float, float, float] | None] | None:
    """:func:`_earnings`, the facts it is read from (metric, period, document), and its range.

    The range is the fact's own ``(low, base, high)`` when the earnings fact is
    an estimate (a converted currency, a margin times revenue), else ``None``.

    >>> f = pd.DataFrame({"company": ["c:a"], "metric": ["operating_income"], "fiscal_year": [2025],
    ...     "fiscal_period": ["FY"], "period_end": [dt.date(2025, 12, 31)], "value": [7.0], "unit": ["USD"],
    ...     "source_id": ["s"]})
    >>> _earnings_ref(f, pd.DataFrame({"id": ["s"], "url": ["https://example.org/r"]}), "c:a")
    (7.0, 'operating_income FY2025 (https://example.org/r)', None)
    """
    fact = latest_fact(facts, sources, company, _EARNINGS_METRICS)
    if fact is not None:
        return fact.value, fact.source, fact.estimate
    rev = latest_fact(facts, sources, company, ("revenue",))
    if rev is None:
        return None
    cor = latest_fact(facts, sources, company, ("cost_of_revenue",))
    if cor is not None:
        return rev.value - cor.value, f"{rev.source} minus {cor.source}", None
    if cost_base is not None and not np.isnan(cost_base):
        return rev.value - cost_base, f"{rev.source} minus the curated cost_base_usd estimate", None
    return None


def _capex(
    system: System,
    nodes: pd.DataFrame,
    facts: pd.DataFrame,
    sources: pd.DataFrame,
    scenario: Scenario,
    V: np.ndarray,
    D: int,
) -> CapexResult:
    spec = scenario.capex
    assert spec is not None
    n = system.n
    check_convergence(system.coefficients("base"), system.ids)
    delta: dict[str, tuple[float, float, str]] = {}  # company -> (baseline, change, source)
    if spec.from_usd is not None and spec.to_usd is not None:
        who = spec.companies or [
            system.ids[k] for k in range(n) if system.labels[k] == "Company" and "hyperscaler" in system.roles[k]
        ]
        if not who:
            raise ScenarioError("capex: the graph has no hyperscalers; list capex.companies")
        found = {c: latest_fact(facts, sources, c, ("capex",)) for c in who}
        have = {c: f for c, f in found.items() if f is not None}
        total = sum(f.value for f in have.values())
        if have and total > 0:
            for c, f in have.items():
                share = f.value / total
                delta[c] = (spec.from_usd * share, (spec.to_usd - spec.from_usd) * share,
                            f"{share:.1%} of the scenario total, by {f.source}")
        else:
            for c in who:
                delta[c] = (spec.from_usd / len(who), (spec.to_usd - spec.from_usd) / len(who),
                            "equal split of the scenario total (no capex facts in the graph)")
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
    dcapex = np.zeros((n, V.shape[1]))
    shocks = []
    for c, (baseline, change, src) in sorted(delta.items()):
        k = system.index.get(c)
        if k is None:
            raise ScenarioError(f"capex: {c} carries no price in the graph")
        dcapex[k] = change
        shocks.append(CapexShock(company=c, name=system.names[k], baseline_usd=baseline,
                                 shocked_usd=baseline + change, change_usd=change, baseline_source=src))
    shares = _draw(system.capex_ranges, D, _rng(scenario.seed, 4))
    if shares.shape[0]:
        totals = np.zeros((n, shares.shape[1]))
        np.add.at(totals, system.capex_cols, shares)
        shares = shares * np.where(totals > 1, 1 / np.maximum(totals, 1e-300), 1.0)[system.capex_cols]
    dx, dd = demand_pull(system.rows, system.cols, V, system.capex_rows, system.capex_cols, shares, dcapex)
    total = float(dcapex[:, 0].sum())
    allocated = float(dd[:, 0].sum())
    reached: list[CapexReach] = []
    for k in np.argsort(-np.abs(dx[:, 0])):
        if abs(dx[k, 0]) <= max(abs(total), 1.0) * 1e-9:
            break
        p5, p50, p95 = _stats(dx[k], D)
        backlog = latest_fact(facts, sources, system.ids[k], _BACKLOG_METRICS) if system.labels[k] == "Company" else None
        reached.append(
            CapexReach(
                node=system.ids[k],
                name=system.names[k],
                label=system.labels[k],
                tier=_tier(system, k),
                revenue_change_usd=float(dx[k, 0]),
                p5=p5,
                p50=p50,
                p95=p95,
                direct_usd=float(dd[k, 0]),
                backlog_usd=backlog.value if backlog else None,
                backlog_metric=backlog.metric if backlog else None,
                backlog_period_end=backlog.period_end if backlog else None,
                backlog_source=backlog.source if backlog else None,
                ratio_to_backlog=float(dx[k, 0] / backlog.value) if backlog and backlog.value else None,
            )
        )
    return CapexResult(
        shocks=shocks,
        total_change_usd=total,
        allocated_usd=allocated,
        unallocated_usd=total - allocated,
        reached=reached,
    )


def _demo_snapshot() -> Any:
    """A three-node snapshot for the docstring example: HBM -> NVIDIA -> buyers."""
    from types import SimpleNamespace

    est = lambda v: {"low": v, "base": v, "high": v, "basis": "demo", "estimate": True}  # noqa: E731
    nodes = pd.DataFrame(
        {
            "id": ["product:hbm", "company:nvidia", "company:buyers"],
            "label": ["Product", "Company", "Company"],
            "name": ["HBM", "NVIDIA", "Buyers"],
            "roles": [[], ["chip_designer"], ["consumer_segment"]],
            "properties": ['{"category":"hbm"}', json.dumps({"pass_through": est(0.5)}), "{}"],
        }
    )
    edges = pd.DataFrame(
        {
            "id": ["u", "s"],
            "type": ["USES", "SUPPLIES"],
            "source": ["company:nvidia", "company:nvidia"],
            "target": ["product:hbm", "company:buyers"],
            "product": [None, None],
            "properties": [json.dumps({"cost_share": est(0.3)}), json.dumps({"cost_share": est(0.1)})],
        }
    )
    empty = pd.DataFrame({"id": [], "company": [], "metric": []})
    return SimpleNamespace(nodes=nodes, edges=edges, facts=empty, sources=pd.DataFrame({"id": []}), content_hash="demo")


def run_scenario(
    snapshot: Any,
    file: str | Path | None = None,
    *,
    node: str | None = None,
    pct: float | None = None,
    draws: int | None = None,
    seed: int | None = None,
    top_k: int | None = None,
    horizon: int | None = None,
    start: str | None = None,
) -> ShockResult:
    """Run a scenario file (or a one-node shock) exactly as every command does.

    The one entry point behind ``chainshock shock``, ``report`` and ``view
    --scenario``, so their numbers cannot drift apart.

    Parameters
    ----------
    snapshot : Snapshot
    file : path, optional
        A scenario YAML file; or give ``node`` and ``pct`` instead.
    node, pct : str, float, optional
        A single price shock: ``pct`` percent on ``node`` (id, ticker or name).
    draws, seed, top_k, horizon, start : optional
        Override the scenario's Monte Carlo draws, seed, paths kept per node,
        horizon in quarters and first quarter (``2026Q1``).
    """
    from .contracts import parse_quarter
    from .scenario import load_scenario, scenario_from_shock

    if file is not None and (node is not None or pct is not None):
        raise ScenarioError("give a scenario file or --node/--pct, not both")
    where: Callable[[tuple[Any, ...]], str] | None = None
    if file is None:
        if node is None or pct is None:
            raise ScenarioError("give a scenario file, or --node ID --pct P (e.g. --node product:hbm --pct 30)")
        scenario = scenario_from_shock(node, pct)
    else:
        scenario, where = load_scenario(file)
    if start is not None:
        parse_quarter(start)
    updates: dict[str, object] = {}
    for key, value in (("draws", draws), ("seed", seed), ("top_k", top_k), ("horizon_quarters", horizon)):
        if value is not None:
            updates[key] = value
    scenario = prepare(snapshot, scenario.model_copy(update=updates), where)
    return run_shock(snapshot, scenario, file=str(file) if file is not None else None, start=start)
