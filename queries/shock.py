"""Run a scenario on a snapshot: the one place the models meet the graph.

:func:`run_shock` is a list of steps, each a pure function over arrays in
its own module: value-terms coefficients (:mod:`.matrices`, :mod:`.facts`),
draws (:mod:`.montecarlo`), shocks and contracts over time
(:mod:`.contracts`), the price path (:mod:`.propagation`), the dollar ledger
(:mod:`.ledger`), capex (:mod:`.capex`), index valuation
(:mod:`.valuation`) and the result rows (:mod:`.impacts`).
:func:`prepare` resolves node names; :func:`run_scenario` is what every
command calls.

Examples
--------
>>> from chainshock.queries.scenario import scenario_from_shock
>>> snap = _demo_snapshot()
>>> result = run_shock(snap, scenario_from_shock("product:hbm", 30, draws=0), start="2026Q1")
>>> {i.node: round(i.price_change, 4) for i in result.impacts}
{'product:hbm': 0.3, 'company:nvidia': 0.0203, 'company:buyers': 0.002}
>>> max(abs(b.residual_usd) for b in result.balance) < 1e-6
True
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from chainshock.errors import ScenarioError

from .capex import run_capex
from .contracts import (
    Quarter,
    cost_change,
    current_quarter,
    parse_quarter,
    quarterly_path,
    quarters,
    seller_charges,
)
from .facts import Bases, company_bases
from .impacts import balance_rows, conversions, impacts, ledger_rows, paths
from .ledger import Ledger, price_ledger
from .matrices import System, build_system, value_terms
from .montecarlo import Draws, sample, triangular
from .propagation import check_convergence, neumann_draws, price_operator, scatter_matrix
from .result import ScenarioInfo, ShockResult, ShockSpec
from .scenario import Scenario, resolve_scenario
from .sensitivity import SENSITIVITY_INPUTS, at_end, sensitivity, system_at_end
from .shock_contracts import ScenarioContracts, scenario_contracts, shield_rows
from .valuation import index_impacts, valuation_draws

__all__ = ["PCT_RANGE", "SENSITIVITY_INPUTS", "prepare", "run_loaded", "run_scenario", "run_shock", "scenario_warnings", "sensitivity"]

# |pct| outside this range needs --allow-extreme (or allow_extreme: true in the scenario)
PCT_RANGE = (-90.0, 300.0)


def prepare(snapshot: Any, scenario: Scenario, where: Callable[[tuple[Any, ...]], str] | None = None) -> Scenario:
    """Resolve every name in ``scenario`` (id, ticker or name) against ``snapshot``."""
    from chainshock.graph.lookup import resolve_node

    nodes = snapshot.nodes
    contracts = set(nodes.loc[nodes["label"] == "Contract", "id"])
    return resolve_scenario(
        scenario, lambda text, labels: resolve_node(nodes, text, labels), where, contracts
    )


def scenario_warnings(scenario: Scenario) -> list[str]:
    """Things that are allowed but probably not meant (a pct that looks like a fraction).

    >>> scenario_warnings(Scenario.model_validate({"name": "x", "shocks": [{"node": "a", "pct": 0.3}]}))
    ['shocks: a pct 0.3 is +0.3%; did you mean 30, i.e. percent?']
    """
    return [
        f"shocks: {s.node} pct {s.pct:g} is {s.pct:+g}%; did you mean {s.pct * 100:g}, i.e. percent?"
        for s in scenario.shocks
        if 0 < abs(s.pct) < 1
    ]


def _check_bounds(scenario: Scenario, allow_extreme: bool) -> None:
    lo, hi = PCT_RANGE
    for s in scenario.shocks:
        for v in s.pct_range:
            if not lo <= v <= hi and not (allow_extreme or scenario.allow_extreme):
                raise ScenarioError(
                    f"shock on {s.node}: {v:+g}% is outside {lo:g}%..{hi:+g}%, where a linear price model "
                    "stops meaning much; pass --allow-extreme (or allow_extreme: true) if you mean it"
                )


@dataclass(frozen=True)
class _Shocks:
    S: np.ndarray  # (Q, n, C) exogenous shock per quarter and draw
    steady: np.ndarray  # (n, C) long-run shock (every shock on)
    specs: list[ShockSpec]
    notes: list[str]


def _shocks(system: System, scenario: Scenario, first: str, Q: int, C: int) -> _Shocks:
    """The exogenous shocks per quarter (start, end) and draw (the pct range)."""
    rng = np.random.default_rng([scenario.seed, 8])
    S = np.zeros((Q, system.n, C))
    steady = np.zeros((system.n, C))
    specs, notes = [], []
    for shock in scenario.shocks:
        k = system.index.get(shock.node)
        if k is None:
            raise ScenarioError(f"{shock.node} carries no price (only companies and products do)")
        lo, base, hi = (x / 100.0 for x in shock.pct_range)
        size = np.full(C, base)
        if C > 1 and hi > lo:
            size[1:] = triangular(np.array([lo]), np.array([base]), np.array([hi]), C - 1, rng)[0]
        q0 = max(_quarter_offset(first, shock.start), 0) if shock.start else 0
        q1 = _quarter_offset(first, shock.end) + 1 if shock.end else Q
        steady[k] += size
        if q0 < min(q1, Q):
            S[q0 : min(q1, Q), k] += size
        else:
            notes.append(f"The shock on {shock.node} falls outside the horizon ({shock.start}..{shock.end or ''}): it moves nothing.")
        specs.append(ShockSpec(node=shock.node, name=system.names[k], label=system.labels[k], pct=shock.pct,
                               pct_low=shock.pct_low, pct_high=shock.pct_high,
                               start_quarter=shock.start or first, end_quarter=shock.end))
    return _Shocks(S, steady, specs, notes)


def _product_premium(system: System) -> tuple[np.ndarray, np.ndarray]:
    """SUPPLIES entries that name a product: the buyer pays the product's own shock on top of the seller's price.

    That is how a PPA's electricity price reaches the hyperscaler (and the utility earns it).
    """
    idx = [e for e in range(len(system.rows)) if system.kinds[e] == 1 and system.products[e] in system.index]
    return np.array(idx, dtype=np.int64), np.array([system.index[system.products[e]] for e in idx], dtype=np.int64)


@dataclass(frozen=True)
class _Path:
    P: np.ndarray  # (Q, n, C)
    steady: np.ndarray  # (n, C)
    cost: np.ndarray  # (n, C) unit-cost change, last quarter
    carry: np.ndarray  # (n, C) pass-through with final buyers carrying their cost in full


def _solve(system: System, draws: Draws, sh: _Shocks, mults: list[np.ndarray] | None) -> _Path:
    """The price path, quarter by quarter, and the long run."""
    n, Q = system.n, sh.S.shape[0]
    V, theta = draws.values, draws.theta
    final = _final_buyers(system)
    carry = theta.copy()
    carry[final] = 1.0  # what a final buyer pays more is its price change; no one buys from it
    W = carry[system.cols] * V
    check_convergence(price_operator(system.coefficients("base"), carry[:, 0]), system.ids)
    idx, prod = _product_premium(system)
    S, steady = sh.S.copy(), sh.steady.copy()
    if idx.size:  # a product's own shock reaches buyers through the SUPPLIES edges that name it
        G = scatter_matrix(system.cols[idx], n)
        steady += np.asarray(G @ (W[idx] * sh.steady[prod]))
        for q in range(Q):
            lagged = np.where((q - system.lags[idx] >= 0)[:, None], sh.S[np.maximum(q - system.lags[idx], 0), prod], 0.0)
            m = 1.0 if mults is None else mults[q][idx]
            S[q] += np.asarray(G @ (W[idx] * m * lagged))
    SS = neumann_draws(system.rows, scatter_matrix(system.cols, n), W, steady)
    P = quarterly_path(system.rows, system.cols, system.lags, W, S, mults, n)
    cost = cost_change(system.rows, system.cols, system.lags, V, P, mults, n, Q - 1)
    return _Path(P, SS, cost, carry)


def _ledger(system: System, draws: Draws, bases: Bases, path: _Path, sh: _Shocks,
            con: ScenarioContracts) -> Ledger:
    segment = np.array(["consumer_segment" in r for r in system.roles])
    product = np.array([lab == "Product" for lab in system.labels])
    idx, prod = _product_premium(system)
    charges = seller_charges(system, con.shields, path.P.shape[0]) if con.multipliers is not None else None
    return price_ledger(system.rows, system.cols, system.lags, draws.values, bases.revenue, path.P, con.multipliers,
                        segment=segment, product=product, produces=system.kinds == 2,
                        premium=(idx, prod, sh.S), charges=charges)


def run_shock(
    snapshot: Any,
    scenario: Scenario,
    *,
    file: str | None = None,
    start: str | None = None,
    today: dt.date | None = None,
    case: tuple[str, int] | None = None,
) -> ShockResult:
    """Propagate ``scenario`` through ``snapshot``: prices, the dollar ledger, capex, indexes.

    ``case`` = ``(input, 0 or 2)`` sets one input group to its low (0) or high
    (2) end, everything else at base (the sensitivity table, see :func:`sensitivity`).

    Raises
    ------
    ConvergenceError
        When the price (or quantity) system cannot settle.
    ScenarioError
        When a shocked node carries no price, reaches no company, or capex baselines are missing.
    """
    facts = snapshot.facts if snapshot.facts is not None else pd.DataFrame()
    first = start or scenario.start or current_quarter(today)
    qs = quarters(first, scenario.horizon_quarters)
    if case is not None:
        scenario = at_end(scenario, *case)
    raw, notes = _with_overrides(build_system(snapshot.nodes, snapshot.edges), scenario)
    if case is not None and case[0] in ("cost shares", "pass-through"):
        raw = system_at_end(raw, *case)
    bases = company_bases(raw, snapshot.nodes, facts, snapshot.sources)
    system = value_terms(raw, bases.ratio)
    draws = sample(system, scenario.draws, scenario.seed)
    sh = _shocks(system, scenario, first, len(qs), draws.columns)
    con = scenario_contracts(snapshot, system, scenario, qs, draws.columns)
    path = _solve(system, draws, sh, con.multipliers)
    ledger = _ledger(system, draws, bases, path, sh, con)
    _check_reach(system, scenario, path, ledger)
    capex = run_capex(system, facts, snapshot.sources, scenario, draws.values, len(qs),
                      segment=ledger.segment, product=ledger.product, cost_to_revenue=bases.ratio,
                      qs=qs, terms=con.terms) if scenario.capex else None
    if capex is not None:
        ledger = ledger.add(capex.ledger)
    years = np.arange(len(qs)) * 0.25 + 0.125
    vd = valuation_draws(scenario, len(qs), scenario.draws, scenario.seed)
    indexes, idx_notes = index_impacts(snapshot, dict(system.index), ledger.operating_income, years,
                                       [q.label for q in qs], scenario, vd,
                                       cap_at=case[1] if case and case[0] == "index market values" else 1)
    shielded = {t.buyer for j, t in enumerate(con.shields.terms) if con.shields.cover[:, j].any()}
    M = price_operator(system.coefficients("base"), path.carry[:, 0])
    return ShockResult(
        scenario=_info(scenario, file, sh.specs, qs, first, snapshot),
        impacts=impacts(system, qs, path.P, path.steady, path.cost, ledger, bases, shielded),
        paths=paths(system, M, sh.steady[:, 0], scenario.top_k, path.steady[:, 0]) if scenario.top_k > 0 else [],
        indexes=indexes,
        capex=capex.result if capex else None,
        contracts=shield_rows(con, qs) if scenario.shocks else [],
        ledger=ledger_rows(system, ledger, qs),
        balance=balance_rows(ledger, qs),
        conversions=conversions(system, bases, system.cols[system.kinds != 2]),
        assumptions=_assumptions(system, scenario, qs, draws, notes, sh, con, ledger, M, idx_notes,
                                 capex.notes if capex else []),
    )


def _check_reach(system: System, scenario: Scenario, path: _Path, ledger: Ledger) -> None:
    """A price shock whose long run moves no company is a mistake worth an error."""
    if not scenario.shocks:
        return
    companies = np.array([lab == "Company" for lab in system.labels])
    shocked = {system.index[s.node] for s in scenario.shocks if s.node in system.index}
    moved = np.abs(path.steady[:, 0]) > 1e-12
    moved[list(shocked)] &= companies[list(shocked)]
    money = np.abs(ledger.revenue).sum(axis=(0, 2)) + np.abs(ledger.cost).sum(axis=(0, 2))
    if not (moved & companies).any() and not (money[companies] > 0).any():
        names = ", ".join(s.node for s in scenario.shocks)
        raise ScenarioError(
            f"the shock on {names} reaches no company: nothing in the graph buys it with a cost share "
            "and it has no producer in the graph; shock a product companies use (see `chainshock paths`)"
        )


def _info(scenario: Scenario, file: str | None, specs: list[ShockSpec], qs: list[Quarter], first: str,
          snapshot: Any) -> ScenarioInfo:
    return ScenarioInfo(
        name=scenario.name, description=scenario.description, file=file, shocks=specs,
        horizon_quarters=len(qs), start_quarter=first, quarters=[q.label for q in qs], draws=scenario.draws,
        seed=scenario.seed if scenario.draws > 0 else None, top_k=scenario.top_k,
        snapshot=str(getattr(snapshot, "content_hash", "")),
    )


def _assumptions(system: System, scenario: Scenario, qs: list[Quarter], draws: Draws, notes: list[str],
                 sh: _Shocks, con: ScenarioContracts, ledger: Ledger, M: Any, idx_notes: list[str],
                 capex_notes: list[str]) -> list[str]:
    out = [
        "Price model: Δp = (I − Θ·Aᵀ)⁻¹ s, the Leontief price model (Miller & Blair 2009, §2.6) in value terms: "
        "A[i, j] = dollars j spends on i per dollar of j's revenue (curated cost shares × j's cost-to-revenue "
        "ratio, see `conversions`); Θ is dollar pass-through: θ of each dollar of cost increase reaches j's "
        "revenue, 1 − θ comes out of its operating income.",
        "One ledger: per edge and quarter Δpayment = base flow × the seller's price change after contracts "
        "(both parties of a fixed-price contract); sales outside the graph's flows are final demand. Margin "
        "hits, windfalls (horizon sums of Δoperating income) and index moves all read it; `balance` checks "
        "Σ Δrevenue = Σ Δcost + Δ final-demand spend every quarter.",
        f"price_change is the change in the last quarter of the horizon ({qs[-1].label}); steady_state is the "
        "long run with every contract expired and every lag played out.",
        "Lags: PRODUCES 0 quarters, USES and SUPPLIES 1 quarter unless an edge gives lag_quarters.",
        *warn_for(scenario),
        *notes,
        *sh.notes,
        *con.notes,
    ]
    conv = check_convergence(M, system.ids)
    if not conv.acyclic and scenario.shocks:
        out.append(f"The graph has {conv.components} supply cycle(s); spectral radius {conv.radius:.3f} < 1.")
    if scenario.draws > 0:
        out.append(
            f"Monte Carlo: {scenario.draws} draws (seed {scenario.seed}); every low/base/high range (cost shares, "
            "pass-through, fixed shares, shock size, index weights and market values, tax, discount rate, "
            "persistence) triangular with its mode at base; one draw per quantity per run-draw."
        )
        if draws.rescaled or draws.rescaled_market:
            out.append(f"Draws scaled back to 100%: {draws.rescaled} had some buyer's cost shares above 100%, "
                       f"{draws.rescaled_market} some product's market shares.")
    defaults = [system.ids[k] for k, src in enumerate(system.theta_source) if src.startswith("chainshock default")]
    if defaults and scenario.shocks:
        out.append(f"{len(defaults)} companies use chainshock's default pass-through by role: "
                   + ", ".join(defaults[:12]) + (" ..." if len(defaults) > 12 else ""))
    if ledger.unsized:
        out.append("Graph purchases exceed the seller's revenue (final demand clipped to 0) for: "
                   + ", ".join(system.ids[k] for k in ledger.unsized))
    if scenario.capex is not None:
        out.append("Demand-pull: Δx = (I − A)⁻¹ Δd on the same value-terms A (Miller & Blair 2009, §2.3); "
                   "builders book Δx at their filed operating margins, hyperscalers depreciate the extra capex.")
    return out + capex_notes + idx_notes


def warn_for(scenario: Scenario) -> list[str]:
    return [f"Warning: {w}" for w in scenario_warnings(scenario)]


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


def run_scenario(
    snapshot: Any,
    file: str | Path | None = None,
    *,
    node: str | list[str] | None = None,
    pct: float | list[float] | None = None,
    draws: int | None = None,
    seed: int | None = None,
    top_k: int | None = None,
    horizon: int | None = None,
    start: str | None = None,
    allow_extreme: bool = False,
    valuation: str | None = None,
    with_sensitivity: bool = False,
) -> ShockResult:
    """Run a scenario file (or one or more node shocks) exactly as every command does.

    The one entry point behind ``chainshock shock``, ``report`` and ``view
    --scenario``, so their numbers cannot drift apart.

    Parameters
    ----------
    snapshot : Snapshot
    file : path, optional
        A scenario YAML file; or give ``node`` and ``pct`` instead.
    node, pct : str or list, float or list, optional
        Price shocks: ``pct[i]`` percent on ``node[i]`` (id, ticker or name);
        one ``pct`` applies to every node.
    draws, seed, top_k, horizon, start : optional
        Override the scenario's Monte Carlo draws, seed, paths kept per node,
        horizon in quarters and first quarter (``2026Q1``).
    allow_extreme : bool
        Allow |pct| beyond −90%..+300%.
    valuation : {"pv", "pe"}, optional
        Override the scenario's index valuation.
    with_sensitivity : bool
        Add the tornado table (:func:`sensitivity`) to the result.
    """
    from .scenario import Shock, load_scenario, scenario_from_shock

    if file is not None and (node is not None or pct is not None):
        raise ScenarioError("give a scenario file or --node/--pct, not both")
    where: Callable[[tuple[Any, ...]], str] | None = None
    if file is None:
        nodes = [node] if isinstance(node, str) else list(node or [])
        pcts = [pct] if isinstance(pct, int | float) else list(pct or [])
        if not nodes or not pcts:
            raise ScenarioError("give a scenario file, or --node ID --pct P (e.g. --node product:hbm --pct 30)")
        if len(pcts) == 1:
            pcts = pcts * len(nodes)
        if len(pcts) != len(nodes):
            raise ScenarioError(f"{len(nodes)} --node but {len(pcts)} --pct: give one --pct for all, or one per --node")
        scenario = scenario_from_shock(nodes[0], pcts[0])
        if len(nodes) > 1:
            scenario = scenario.model_copy(update={
                "name": " + ".join(f"{n} {p:+g}%" for n, p in zip(nodes, pcts, strict=True)),
                "shocks": [Shock(node=n, pct=p) for n, p in zip(nodes, pcts, strict=True)],
            })
    else:
        scenario, where = load_scenario(file)
    return run_loaded(
        snapshot, scenario, where=where, file=file, draws=draws, seed=seed, top_k=top_k, horizon=horizon,
        start=start, allow_extreme=allow_extreme, valuation=valuation, with_sensitivity=with_sensitivity,
    )


def run_loaded(
    snapshot: Any,
    scenario: Scenario,
    *,
    where: Callable[[tuple[Any, ...]], str] | None = None,
    file: str | Path | None = None,
    draws: int | None = None,
    seed: int | None = None,
    top_k: int | None = None,
    horizon: int | None = None,
    start: str | None = None,
    allow_extreme: bool = False,
    valuation: str | None = None,
    with_sensitivity: bool = False,
) -> ShockResult:
    """Run a loaded :class:`Scenario` with :func:`run_scenario`'s overrides and checks.

    The shared tail of :func:`run_scenario` and of scenarios built in memory
    (:func:`chainshock.queries.catalog.run`): overrides, bounds, name
    resolution (``where`` locates errors in the scenario's file), the run.
    """
    if start is not None:
        parse_quarter(start)
    updates: dict[str, object] = {}
    for key, value in (("draws", draws), ("seed", seed), ("top_k", top_k), ("horizon_quarters", horizon)):
        if value is not None:
            updates[key] = value
    if valuation is not None:
        updates["valuation"] = scenario.valuation.model_copy(update={"method": valuation})
    _check_bounds(scenario, allow_extreme)
    scenario = prepare(snapshot, scenario.model_copy(update=updates), where)
    result = run_shock(snapshot, scenario, file=str(file) if file is not None else None, start=start)
    if with_sensitivity:
        result.sensitivity = sensitivity(snapshot, scenario, start=start)
    return result
