"""Sweeps: one shock's size stepped over a range, everything else held.

``chainshock shock --sweep product:hbm=10:50:10`` runs the scenario (or a
one-node shock) once per value, with the named node's shock set to that
percent (added when the scenario does not shock it), and tabulates how
prices and indexes respond.

Examples
--------
>>> parse_sweep("product:hbm=10:50:10")
SweepSpec(node='product:hbm', values=(10.0, 20.0, 30.0, 40.0, 50.0))
>>> parse_sweep("HBM=5,15,40").values
(5.0, 15.0, 40.0)
>>> parse_sweep("hbm=10:50")
Traceback (most recent call last):
...
chainshock.errors.ScenarioError: --sweep hbm=10:50: give NODE=START:STOP:STEP (e.g. product:hbm=10:50:10) or NODE=V1,V2,...
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from chainshock.errors import ScenarioError

from .scenario import Scenario, Shock

__all__ = ["SweepPoint", "SweepResult", "SweepSpec", "parse_sweep", "sweep", "with_shock"]

_MAX_POINTS = 50


@dataclass(frozen=True)
class SweepSpec:
    """The node to vary and the percents to try."""

    node: str
    values: tuple[float, ...]


def parse_sweep(text: str) -> SweepSpec:
    """Parse ``NODE=START:STOP:STEP`` (STOP included) or ``NODE=V1,V2,...`` (percent)."""
    usage = (
        f"--sweep {text}: give NODE=START:STOP:STEP (e.g. product:hbm=10:50:10) or NODE=V1,V2,..."
    )
    node, sep, spec = text.rpartition("=")
    if not sep or not node.strip() or not spec.strip():
        raise ScenarioError(usage)
    try:
        if ":" in spec:
            parts = [float(p) for p in spec.split(":")]
            if len(parts) != 3:
                raise ScenarioError(usage)
            lo, hi, step = parts
            if step <= 0 or hi < lo:
                raise ScenarioError(f"--sweep {text}: need START <= STOP and STEP > 0")
            n = round((hi - lo) / step) + 1
            if n > _MAX_POINTS:
                raise ScenarioError(f"--sweep {text}: {n} runs; at most {_MAX_POINTS}, take a larger STEP")
            values = [round(lo + k * step, 10) for k in range(n) if lo + k * step <= hi + 1e-9]
        else:
            values = [float(v) for v in spec.split(",") if v.strip()]
    except ValueError:
        raise ScenarioError(usage) from None
    if not values or len(values) > _MAX_POINTS:
        raise ScenarioError(usage)
    return SweepSpec(node.strip(), tuple(values))


def with_shock(scenario: Scenario, node: str, pct: float) -> Scenario:
    """``scenario`` with ``node``'s shock set to ``pct`` (added when absent); ids must be resolved."""
    shocks = [s for s in scenario.shocks if s.node != node]
    kept = next((s for s in scenario.shocks if s.node == node), None)
    new = Shock(node=node, pct=pct, start=kept.start if kept else None)
    return scenario.model_copy(update={"shocks": [*shocks, new], "name": f"{scenario.name} [{node} {pct:+g}%]"})


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SweepPoint(_Model):
    """One run: the swept percent and what it moved (fractions, end of horizon)."""

    pct: float
    prices: dict[str, float] = Field(description="node -> price change")
    margin_hits_usd: dict[str, float] = Field(default_factory=dict, description="node -> margin hit per year")
    indexes: dict[str, float] = Field(default_factory=dict, description="'index:id (weighting)' -> change")


class SweepResult(_Model):
    """``chainshock shock --sweep ... --json``."""

    scenario: str
    node: str
    node_name: str
    names: dict[str, str] = Field(description="node id (or 'index:id (weighting)') -> name")
    points: list[SweepPoint]


def sweep(snapshot: Any, scenario: Scenario, spec: SweepSpec, **overrides: Any) -> SweepResult:
    """Run ``scenario`` once per value of ``spec`` (overrides as in :func:`.catalog.run`)."""
    from chainshock.graph.lookup import resolve_node

    from .catalog import run
    from .shock import prepare

    node = resolve_node(snapshot.nodes, spec.node, ["Company", "Product"])
    ready = prepare(snapshot, scenario)
    names: dict[str, str] = {}
    points = []
    node_name = node
    for pct in spec.values:
        try:
            result = run(snapshot, with_shock(ready, node, pct), **overrides)
        except ScenarioError as e:
            raise ScenarioError(f"--sweep at {pct:+g}%: {e}") from None
        for imp in result.impacts:
            names[imp.node] = imp.name
        for ix in result.indexes:
            names[f"{ix.index} ({ix.weighting})"] = f"{ix.name} ({ix.weighting})"
        node_name = names.get(node, node)
        points.append(
            SweepPoint(
                pct=pct,
                prices={i.node: i.price_change for i in result.impacts},
                margin_hits_usd={i.node: i.margin_hit_usd for i in result.impacts if i.margin_hit_usd is not None},
                indexes={f"{ix.index} ({ix.weighting})": ix.change for ix in result.indexes},
            )
        )
    return SweepResult(scenario=scenario.name, node=node, node_name=node_name, names=names, points=points)
