"""The contracts a scenario runs under: fixed-price terms, their multipliers per draw, their rows.

Reads the graph's contract terms and the scenario's assumed ones
(:func:`scenario_terms`), maps them onto the coefficients they shield and
draws their fixed shares (:func:`scenario_contracts`), and reports them
(:func:`shield_rows`). Split from :mod:`.shock` to keep it an orchestration.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .contracts import Quarter, Shields, shields
from .matrices import ContractTerm, System, contract_terms
from .montecarlo import triangular
from .result import ContractShield
from .scenario import Scenario

__all__ = ["ScenarioContracts", "scenario_contracts", "scenario_terms", "shield_rows"]


@dataclass(frozen=True)
class ScenarioContracts:
    """The fixed-price terms in force, their shields, per-quarter multipliers (None: none) and notes."""

    terms: list[ContractTerm]
    shields: Shields
    multipliers: list[np.ndarray] | None
    notes: list[str]


def scenario_contracts(snapshot: Any, system: System, scenario: Scenario, qs: list[Quarter], C: int) -> ScenarioContracts:
    """The scenario's fixed-price terms on ``system``: shields and multipliers for ``C`` draws (column 0 base)."""
    terms = scenario_terms(snapshot, scenario) if scenario.contracts == "honour" else []
    sh = shields(system, terms, qs)
    rng = np.random.default_rng([scenario.seed, 1])
    F = np.array([t.fixed_share for t in sh.terms]).reshape(-1, 3)
    Fd = np.repeat(F[:, 1:2], C, axis=1)
    if C > 1 and F.shape[0]:
        Fd[:, 1:] = triangular(F[:, 0], F[:, 1], F[:, 2], C - 1, rng)
    mults = [sh.multipliers(Fd, q) for q in range(len(qs))] if sh.terms else None
    notes = []
    if scenario.contracts == "ignore":
        notes.append("Contracts ignored: every input passes its price on from the first quarter.")
    for t in sh.idle:
        notes.append(f"{t.contract} fixes {t.product} for {t.buyer}, but the graph has no cost share of that "
                     "product for that buyer: it shields nothing.")
    return ScenarioContracts(terms, sh, mults, notes)


def shield_rows(con: ScenarioContracts, qs: list[Quarter]) -> list[ContractShield]:
    """One result row per fixed-price term in force, with the quarters it shields."""
    sh = con.shields
    return [
        ContractShield(
            contract=t.contract, name=t.name, kind=t.kind, buyer=t.buyer, sellers=list(t.sellers),
            product=t.product, price_terms=t.price_terms, fixed_share=t.fixed_share[1],
            start=t.start.isoformat() if t.start else None, end=t.end.isoformat() if t.end else None,
            shielded_quarters=[q.label for k, q in enumerate(qs) if sh.cover[k, j] > 0],
            expires_in_horizon=bool(t.end and qs[0].start <= t.end < qs[-1].end),
        )
        for j, t in enumerate(sh.terms)
    ]


def scenario_terms(snapshot: Any, scenario: Scenario) -> list[ContractTerm]:
    """The graph's contract terms (ends as the scenario overrides them) plus the scenario's assumed ones."""
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
