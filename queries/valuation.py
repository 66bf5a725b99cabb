"""Index exposure: the ledger's Δoperating income, valued, times index weights.

Two valuations, chosen in the scenario (``valuation.method``):

``pv`` (default)
    A constituent's market value moves by the present value of its
    after-tax Δoperating income over the scenario's persistence::

        ΔV_c = Σ_q ΔOI_c,q · (1 − tax) / (1 + r)^t_q,   t_q = years from the start to mid-quarter

    (quarters past the horizon, while the change persists, repeat the last
    quarter). Its share price moves by ``ΔV_c / MV_c`` with
    ``MV_c = w_c · MV_index`` its market value on the weights' date, so a
    cap-weighted index moves by ``Σ_c ΔV_c / MV_index`` and an equal-weight
    one by ``Σ_c ΔV_c / (N · MV_c)``.
``pe``
    Constant P/E on filed operating income: ``Δprice_c = 4·ΔOI_c,last / OI_c``
    — a permanent change capitalised at today's multiple, an **upper bound**.
    A constituent without a filed operating income is unknown.

The index path holds the change valued with the ledger through each quarter.

Examples
--------
>>> oi = np.array([[[1.0]], [[1.0]]])                 # (Q=2, companies=1, draws=1), USD per quarter
>>> pv = present_value(oi, np.array([0.125, 0.375]), np.array([0.0]), np.array([0.0]), np.array([2]))
>>> pv[:, 0, 0].tolist()
[1.0, 2.0]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .facts import FactRef, operating_income, props, source_text, triple
from .montecarlo import percentiles, triangular
from .result import IndexBaseline, IndexContribution, IndexImpact, IndexPoint
from .scenario import Scenario

__all__ = ["ValuationDraws", "index_impacts", "present_value", "valuation_draws"]


def present_value(
    oi: np.ndarray, years: np.ndarray, tax: np.ndarray, rate: np.ndarray, persist: np.ndarray
) -> np.ndarray:
    """Cumulative PV of after-tax ΔOI, shape (Q, m, C); the last row is the full value.

    Parameters
    ----------
    oi : ndarray, shape (Q, m, C)
        Δoperating income per quarter (USD), company and draw.
    years : ndarray, shape (Q,)
        Time from the start to each quarter's middle, in years.
    tax, rate : ndarray, shape (C,)
    persist : ndarray of int, shape (C,)
        Quarters the change lasts; past the horizon the last quarter repeats.
    """
    Q = oi.shape[0]
    horizon = int(max(Q, int(persist.max()) if persist.size else Q))
    t = np.arange(horizon) * 0.25 + (years[0] if Q else 0.125)
    t[:Q] = years
    disc = (1.0 - tax)[None, :] / (1.0 + rate)[None, :] ** t[:, None]  # (H, C)
    alive = np.arange(horizon)[:, None] < persist[None, :]
    w = np.where(alive, disc, 0.0)
    cum = np.cumsum(oi * w[:Q, None, :], axis=0)
    if horizon > Q:
        cum[-1] = cum[-1] + oi[-1] * w[Q:].sum(axis=0)[None, :]
    return cum


@dataclass(frozen=True)
class ValuationDraws:
    """The valuation inputs, one value per draw (column 0 = base)."""

    method: str
    tax: np.ndarray
    rate: np.ndarray
    persist: np.ndarray  # quarters


def _draw(r: tuple[float, float, float], D: int, rng: np.random.Generator) -> np.ndarray:
    if D <= 0:
        return np.array([r[1]])
    return np.concatenate([[r[1]], triangular(np.array([r[0]]), np.array([r[1]]), np.array([r[2]]), D, rng)[0]])


def valuation_draws(scenario: Scenario, Q: int, D: int, seed: int) -> ValuationDraws:
    """Tax, discount rate and persistence per draw (column 0 = base)."""
    rng = np.random.default_rng([seed, 7])
    v = scenario.valuation
    tax = _draw(v.tax_rate.triple(), D, rng)
    rate = _draw(v.discount_rate.triple(), D, rng)
    years = v.persistence_years.triple() if v.persistence_years is not None else (Q / 4, Q / 4, Q / 4)
    persist = np.maximum(1, np.rint(_draw(years, D, rng) * 4)).astype(int)
    return ValuationDraws(v.method, tax, rate, persist)


def _stats(x: np.ndarray) -> tuple[float | None, float | None, float | None]:
    if x.shape[0] <= 1:
        return None, None, None
    p5, p50, p95 = percentiles(x[None, :])
    return float(p5[0]), float(p50[0]), float(p95[0])


def _member_count(index_id: str, p: dict[str, Any], scenario: Scenario, evidence: pd.DataFrame | None,
                  sources: pd.DataFrame) -> tuple[int | None, str]:
    """How many members an index has, and where that count comes from (the scenario's ``index_members`` wins)."""
    if index_id in scenario.index_members:
        return int(scenario.index_members[index_id]), "member count from the scenario"
    members = p.get("members")
    if isinstance(members, bool) or not isinstance(members, int | float) or members < 1:
        return None, ""
    cited = ""
    if evidence is not None and not evidence.empty and "subject_id" in evidence:
        rows = evidence[(evidence["subject_id"] == index_id) & evidence["locator"].fillna("").str.startswith("members")]
        if not rows.empty:
            cited = f": {source_text(sources, str(rows.iloc[0]['source_id']))}"
    return int(members), f"member count from the index data{cited}"


def index_impacts(
    snapshot: Any,
    ids: dict[str, int],
    oi: np.ndarray,
    years: np.ndarray,
    quarter_labels: list[str],
    scenario: Scenario,
    vd: ValuationDraws,
    *,
    cap_at: int = 1,
) -> tuple[list[IndexImpact], list[str]]:
    """Every index in the graph under its weighting (and an equal-weight view of cap indexes).

    ``oi`` is the ledger's Δoperating income (Q, n, C) in the order ``ids``
    (node id -> row).
    """
    nodes, edges, facts, sources = snapshot.nodes, snapshot.edges, snapshot.facts, snapshot.sources
    facts = facts if facts is not None else pd.DataFrame()
    idx_nodes = nodes[nodes["label"] == "Index"]
    cons = edges[edges["type"] == "CONSTITUENT_OF"]
    companies = sorted(set(cons["source"]))
    if idx_nodes.empty or not companies:
        return [], []
    Q, _, C = oi.shape
    D = C - 1
    cpos = {c: i for i, c in enumerate(companies)}
    m = len(companies)
    in_graph = np.array([c in ids for c in companies])
    sub = np.zeros((Q, m, C))
    for c, i in cpos.items():
        if c in ids:
            sub[:, i] = oi[:, ids[c]]
    pv = present_value(sub, years, vd.tax, vd.rate, vd.persist)  # (Q, m, C)
    refs = {c: operating_income(facts, sources, c) for c in companies}
    earn = np.array([_value(refs[c]) for c in companies])
    earn_d = np.repeat(earn[:, None], C, axis=1)  # an estimated baseline (a converted currency) is drawn too
    rng_e = np.random.default_rng([scenario.seed, 9])
    for i, c in enumerate(companies):
        ref = refs[c]
        if ref is not None and ref.estimate is not None and ref.estimate[0] > 0 and D > 0:
            lo, b, hi = ref.estimate
            earn_d[i, 1:] = triangular(np.array([lo]), np.array([b]), np.array([hi]), D, rng_e)[0]
    pe = 4.0 * sub / earn_d[None]  # (Q, m, C), NaN where no filed operating income
    names = dict(zip(nodes["id"], nodes["name"], strict=True))
    rng_w = np.random.default_rng([scenario.seed, 5])
    rng_cap = np.random.default_rng([scenario.seed, 6])
    rows = list(idx_nodes.itertuples(index=False))
    info = {str(r.id): props(r.properties) for r in rows}
    weights: dict[str, np.ndarray] = {}  # index -> (m, C) drawn weights
    for r in rows:
        w = np.zeros((m, 3))
        for e in cons[cons["target"] == r.id].itertuples(index=False):
            t = triple(props(e.properties).get("weight"))
            if t is not None:
                w[cpos[str(e.source)]] += t
        drawn = np.repeat(w[:, 1:2], C, axis=1)
        if D > 0 and w.any():
            drawn[:, 1:] = triangular(w[:, 0], w[:, 1], w[:, 2], D, rng_w)
        weights[str(r.id)] = drawn
    caps: dict[str, tuple[np.ndarray, str]] = {}
    for r in rows:
        t = triple(info[str(r.id)].get("market_cap_usd"))
        if t is not None and cap_at != 1:
            t = (t[cap_at], t[cap_at], t[cap_at])
        if t is not None:
            caps[str(r.id)] = (_draw(t, D, rng_cap), str(info[str(r.id)]["market_cap_usd"].get("basis", "")))
    ew_of = {str(info[k].get("base_index")): k for k in info if info[k].get("weighting") == "equal" and info[k].get("base_index")}
    notes: list[str] = []
    out: list[IndexImpact] = []
    views: list[str] = []

    def one(index_id: str, name: str, weighting: str, w: np.ndarray, base: str, count: int | None,
            view: bool = False) -> IndexImpact:
        """One index row; ``base`` is the cap-weighted index whose weights give market values."""
        members = w[:, 0] > 0
        cap = caps.get(base)
        note = ""
        if vd.method == "pv" and cap is not None:
            mv = weights[base] * cap[0][None, :]  # (m, C) market value of each member
            with np.errstate(divide="ignore", invalid="ignore"):
                rel = np.where(mv[None] > 0, pv / mv[None], np.nan)  # price change per member
            known = members & in_graph & (weights[base][:, 0] > 0)
        else:
            if vd.method == "pv":
                note = f"no market value for {base} in the graph: constant P/E (upper bound) used instead"
            rel = pe
            mv = None
            known = members & in_graph & np.isfinite(earn)
        ww = w if weighting == "cap" else np.where(members[:, None], 1.0 / max(count or 1, 1), 0.0)
        path_all = _weighted(ww, rel, known)
        coverage = float((w[:, 0] * (members & in_graph)).sum()) if weighting == "cap" else float(ww[known, 0].sum())
        final = path_all[-1]
        p5, p50, p95 = _stats(final)
        path = []
        for q in range(Q):
            a, _, b = _stats(path_all[q])
            path.append(IndexPoint(quarter=quarter_labels[q], change=float(path_all[q, 0]), p5=a, p95=b))
        contrib = ww[:, 0] * np.where(known, np.nan_to_num(rel[-1][:, 0]), 0.0)
        top = [
            IndexContribution(
                company=companies[c],
                name=names.get(companies[c], companies[c]),
                weight=float(ww[c, 0]),
                earnings_change=float(pe[-1, c, 0]) if np.isfinite(earn[c]) else None,
                value_change_usd=float(pv[-1, c, 0]) if vd.method == "pv" and cap is not None else None,
                contribution=float(contrib[c]),
                earnings_source=_source(refs[companies[c]]),
            )
            for c in np.argsort(-np.abs(contrib))[:5]
            if abs(contrib[c]) > 0
        ]
        baselines = [
            IndexBaseline(
                company=companies[c],
                name=names.get(companies[c], companies[c]),
                weight=float(ww[c, 0]),
                earnings_usd=float(earn[c]) if np.isfinite(earn[c]) else None,
                source=_source(refs[companies[c]]),
                earnings_change=float(pe[-1, c, 0]) if np.isfinite(earn[c]) else None,
                market_cap_usd=float(mv[c, 0]) if mv is not None and mv[c, 0] > 0 else None,
            )
            for c in np.flatnonzero(members)
        ]
        missing = [companies[c] for c in np.flatnonzero(members & ~known)]
        if missing:
            why = "no filed operating income" if rel is pe else "no market value (not in the cap-weighted index)"
            note = "; ".join(x for x in (note, f"unknown ({why}): {', '.join(missing)}") if x)
        return IndexImpact(
            index=index_id, name=name, weighting=weighting, valuation="pv" if rel is not pe else "pe",
            change=float(final[0]), p5=p5, p50=p50, p95=p95, path=path,
            market_cap_usd=float(cap[0][0]) if cap is not None and weighting == "cap" else None,
            market_cap_source=cap[1] if cap is not None and weighting == "cap" else "",
            coverage=coverage, constituents=int(members.sum()), top=top, baselines=baselines, note=note,
            members=count if weighting == "equal" else None, equal_weight_view=view,
        )

    for r in rows:
        index_id, p = str(r.id), info[str(r.id)]
        weighting = str(p.get("weighting", "cap"))
        count, count_source = _member_count(index_id, p, scenario, getattr(snapshot, "evidence", None), sources)
        base = str(p.get("base_index")) if weighting == "equal" and p.get("base_index") else index_id
        w = weights[index_id]
        out.append(one(index_id, str(r.name), weighting, w, base, count))
        if weighting != "cap" or index_id in ew_of:
            continue
        if not count:
            notes.append(f"{index_id}: no member count; equal weighting not computed.")
            continue
        view = one(index_id, f"{r.name} (equal-weight view)", "equal", w, index_id, count, view=True)
        view.note = "; ".join(x for x in (f"1/{count} per member ({count_source})", view.note) if x)
        out.append(view)
        views.append(f"{index_id} (1/{count})")
    method = (
        "present value of after-tax Δoperating income over the persistence "
        f"({vd.persist[0] / 4:g} years at base), tax {vd.tax[0]:.0%}, discount rate {vd.rate[0]:.0%}, "
        "against each index's market value on its weights' date"
        if vd.method == "pv"
        else "constant P/E on filed operating income (an upper bound: a permanent change capitalised)"
    )
    notes.insert(0, f"Index valuation: {method}; one earnings basis, operating income from the ledger.")
    if views:
        notes.append("Equal-weight views: every member of " + ", ".join(views) + " weighs the same.")
    return out, notes


def _value(ref: FactRef | None) -> float:
    return ref.value if ref is not None and ref.value > 0 else float("nan")


def _source(ref: FactRef | None) -> str:
    return ref.source if ref is not None else ""


def _weighted(w: np.ndarray, rel: np.ndarray, known: np.ndarray) -> np.ndarray:
    """Σ_c w_c · rel_c per quarter and draw over the known members, shape (Q, C)."""
    filled = np.where(known[None, :, None], np.nan_to_num(rel), 0.0)
    return np.einsum("mc,qmc->qc", w, filled)
