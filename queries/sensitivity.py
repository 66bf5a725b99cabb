"""Which inputs drive an index's change: a one-at-a-time tornado.

Each input group (shock size, cost shares, pass-through, index market
values, tax, discount rate, persistence) is set to its low and then its high
end, everything else at base, and the whole model re-run; the swing of each
index's change says how much of the spread that input carries.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .matrices import System
from .result import SensitivityRow
from .scenario import Scenario

__all__ = ["SENSITIVITY_INPUTS", "at_end", "sensitivity", "system_at_end"]


SENSITIVITY_INPUTS = (
    "shock size", "cost shares", "pass-through", "index market values", "tax rate", "discount rate", "persistence",
)


def at_end(scenario: Scenario, group: str, end: int) -> Scenario:
    """The scenario with one input group at its low (0) or high (2) end."""
    from .scenario import Range

    def pick(r: Range) -> Range:
        v = r.triple()[end]
        return Range(low=v, base=v, high=v, basis=r.basis)

    v = scenario.valuation
    if group == "shock size":
        shocks = [sh.model_copy(update={"pct": sh.pct_range[end], "pct_low": None, "pct_high": None})
                  for sh in scenario.shocks]
        return scenario.model_copy(update={"shocks": shocks})
    if group == "tax rate":
        return scenario.model_copy(update={"valuation": v.model_copy(update={"tax_rate": pick(v.tax_rate)})})
    if group == "discount rate":
        return scenario.model_copy(update={"valuation": v.model_copy(update={"discount_rate": pick(v.discount_rate)})})
    if group == "persistence":
        q = scenario.horizon_quarters / 4
        r = v.persistence_years or Range(low=q / 2, base=q, high=q * 2, basis="half to twice the horizon")
        return scenario.model_copy(update={"valuation": v.model_copy(update={"persistence_years": pick(r)})})
    return scenario


def system_at_end(system: System, group: str, end: int) -> System:
    if group == "cost shares":
        v = system.values(("low", "base", "high")[end])
        return replace(system, low=v.copy(), base=v.copy(), high=v.copy())
    t = (system.theta_low, system.theta_base, system.theta_high)[end]
    return replace(system, theta_low=t.copy(), theta_base=t.copy(), theta_high=t.copy())


def sensitivity(snapshot: Any, scenario: Scenario, *, start: str | None = None) -> list[SensitivityRow]:
    """Which inputs drive each index's change: every input group at its low and high end, others at base.

    A one-at-a-time tornado (the rows are sorted by swing within each index);
    ``persistence`` without a range in the scenario is tried at half and
    twice the horizon.
    """
    from .shock import run_shock  # the tornado re-runs the whole model

    base = scenario.model_copy(update={"draws": 0, "top_k": 0})
    rows: list[SensitivityRow] = []
    ends = {g: [run_shock(snapshot, base, start=start, case=(g, e)) for e in (0, 2)] for g in SENSITIVITY_INPUTS}
    keys = [(i.index, i.weighting) for i in ends[SENSITIVITY_INPUTS[0]][0].indexes]
    for key in keys:
        part = []
        for g, (lo, hi) in ends.items():
            a = next(i.change for i in lo.indexes if (i.index, i.weighting) == key)
            b = next(i.change for i in hi.indexes if (i.index, i.weighting) == key)
            part.append(SensitivityRow(index=key[0], weighting=key[1], input=g, low=a, high=b, swing=abs(b - a)))
        rows += sorted(part, key=lambda r: -r.swing)
    return rows
