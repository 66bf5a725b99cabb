"""The result of a shock: the typed document ``chainshock shock --json`` prints.

Everything the CLI table, the impact reports (HTML/Markdown/JSON) and the
graph view show comes from a :class:`ShockResult`. The field names are a
contract: extend, don't rename.

Conventions
-----------
- ``price_change`` and every other ``*_change`` without a unit is a
  **fraction** (0.05 = +5%).
- Money is in USD units (``*_usd``).
- ``p5``/``p50``/``p95`` are Monte Carlo percentiles over every low/base/high
  range in the graph; they are ``None`` when the run had ``draws == 0``.
- The headline ``price_change`` is the base-value change at the **end of the
  horizon** (contracts and lags applied); ``steady_state`` is the long-run
  change with every contract expired and every lag played out.

Examples
--------
>>> imp = Impact(node="product:hbm", name="HBM", label="Product", tier="memory", price_change=0.3)
>>> imp.price_change
0.3
>>> ShockResult(scenario=ScenarioInfo(name="x"), impacts=[imp]).impacts[0].node
'product:hbm'
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "CapexReach",
    "CapexResult",
    "CapexShock",
    "ContractShield",
    "Impact",
    "IndexBaseline",
    "IndexContribution",
    "IndexImpact",
    "PathEdge",
    "QuarterValue",
    "ScenarioInfo",
    "ShockPath",
    "ShockResult",
    "ShockSpec",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ShockSpec(_Model):
    """One exogenous price shock as the run applied it."""

    node: str
    name: str
    label: str
    pct: float = Field(description="price shock as a fraction (0.3 = +30%)")
    start_quarter: str = Field(description="first quarter the shock applies, e.g. '2026Q1'")


class ScenarioInfo(_Model):
    """What was run: the scenario and the run's settings."""

    name: str
    description: str = ""
    file: str | None = None
    shocks: list[ShockSpec] = Field(default_factory=list)
    horizon_quarters: int = 8
    start_quarter: str = ""
    quarters: list[str] = Field(default_factory=list)
    draws: int = 0
    seed: int | None = None
    top_k: int = 5
    snapshot: str = Field(default="", description="content hash of the snapshot the run read")


class QuarterValue(_Model):
    """One point of a node's quarterly path."""

    quarter: str
    price_change: float
    p5: float | None = None
    p50: float | None = None
    p95: float | None = None


class Impact(_Model):
    """How one price-carrying node (Company or Product) moves."""

    node: str
    name: str
    label: str
    tier: str
    roles: list[str] = Field(default_factory=list)
    category: str | None = None
    price_change: float = Field(description="fraction at the end of the horizon, base values")
    p5: float | None = None
    p50: float | None = None
    p95: float | None = None
    steady_state: float | None = Field(
        default=None, description="long-run fraction: contracts expired, lags played out"
    )
    input_cost_change: float | None = Field(
        default=None, description="change of the unit cost (fraction), end of horizon"
    )
    pass_through: float | None = Field(default=None, description="base pass-through used")
    pass_through_source: str | None = None
    margin_hit_usd: float | None = Field(
        default=None,
        description="absorbed cost increase per year in USD (positive = margin loss), end of horizon",
    )
    margin_hit_p5: float | None = None
    margin_hit_p50: float | None = None
    margin_hit_p95: float | None = None
    cost_base_usd: float | None = None
    cost_base_source: str | None = Field(
        default=None, description="where the cost base comes from (fact with accession, or estimate)"
    )
    windfall_usd: float | None = Field(
        default=None, description="revenue gain from an exogenous price rise on what it sells"
    )
    shielded: bool = Field(default=False, description="a fixed-price contract shields part of an input")
    path: list[QuarterValue] = Field(default_factory=list)


class PathEdge(_Model):
    type: str
    source: str
    target: str
    weight: float = Field(description="the coefficient this step multiplies by (pass-through x share)")
    via: list[str] = Field(
        default_factory=list,
        description="suppliers the buyer sources this product from (SUPPLIES sourcing edges)",
    )


class ShockPath(_Model):
    """One walk that carries a shock from a shocked node to ``target``.

    For the linear model the walks are the terms of the Neumann series, so
    ``contribution`` is exact and the contributions of all walks add up to
    the target's steady-state change.
    """

    target: str
    target_name: str
    shock: str
    nodes: list[str]
    names: list[str]
    edges: list[PathEdge]
    contribution: float = Field(description="price change carried by this walk (fraction)")
    share: float = Field(description="contribution / the target's steady-state change")


class IndexContribution(_Model):
    company: str
    name: str
    weight: float
    earnings_change: float = Field(description="fraction of the company's baseline earnings")
    contribution: float = Field(description="weight x earnings_change")
    earnings_source: str = Field(default="", description="where the baseline earnings come from")


class IndexBaseline(_Model):
    """A constituent's baseline earnings, and the facts they are read from."""

    company: str
    name: str
    weight: float
    earnings_usd: float | None = Field(default=None, description="baseline annual earnings; None when unknown")
    source: str = Field(default="", description="metric, period and document; empty when unknown")
    earnings_change: float | None = Field(
        default=None, description="base-value earnings change (fraction); None when not sized"
    )


class IndexImpact(_Model):
    """An index's change under one weighting, assuming constant P/E.

    ``change = Σ weight_c · Δearnings_c / earnings_c`` over the constituents
    the graph knows; ``coverage`` is the index weight those constituents hold.
    """

    index: str
    name: str
    weighting: str
    change: float
    p5: float | None = None
    p50: float | None = None
    p95: float | None = None
    coverage: float = Field(description="share of the index weight with a computed earnings shock")
    constituents: int = 0
    top: list[IndexContribution] = Field(default_factory=list)
    note: str = ""
    members: int | None = Field(
        default=None, description="member count behind equal weights (1/members each); None for cap weights"
    )
    equal_weight_view: bool = Field(
        default=False,
        description="computed equal-weight reading of a cap-weighted index (no published equal-weight index)",
    )
    baselines: list[IndexBaseline] = Field(
        default_factory=list, description="every constituent in the graph, with its earnings baseline and source"
    )


class CapexShock(_Model):
    company: str
    name: str
    baseline_usd: float
    shocked_usd: float
    change_usd: float
    baseline_source: str


class CapexReach(_Model):
    """A node whose revenue (output) the capex change reaches."""

    node: str
    name: str
    label: str
    tier: str
    revenue_change_usd: float
    p5: float | None = None
    p50: float | None = None
    p95: float | None = None
    direct_usd: float = Field(default=0.0, description="spent with it directly by the hyperscalers")
    backlog_usd: float | None = None
    backlog_metric: str | None = None
    backlog_period_end: str | None = None
    backlog_source: str | None = None
    ratio_to_backlog: float | None = Field(
        default=None, description="revenue_change_usd / backlog_usd"
    )


class CapexResult(_Model):
    """Demand-pull: ``Δx = (I − A)⁻¹ Δd`` from a change in hyperscaler capex."""

    shocks: list[CapexShock]
    total_change_usd: float
    allocated_usd: float = Field(description="part of the change the graph assigns to suppliers")
    unallocated_usd: float = Field(description="part spent with suppliers the graph does not hold")
    reached: list[CapexReach]


class ContractShield(_Model):
    """A fixed-price contract that shields a buyer's input until it ends."""

    contract: str
    name: str
    kind: str
    buyer: str
    sellers: list[str] = Field(default_factory=list)
    product: str
    price_terms: str
    fixed_share: float
    start: str | None = None
    end: str | None = None
    shielded_quarters: list[str] = Field(default_factory=list)
    expires_in_horizon: bool = False


class ShockResult(_Model):
    """The whole answer to one scenario."""

    scenario: ScenarioInfo
    impacts: list[Impact] = Field(default_factory=list)
    paths: list[ShockPath] = Field(default_factory=list)
    indexes: list[IndexImpact] = Field(default_factory=list)
    capex: CapexResult | None = None
    contracts: list[ContractShield] = Field(default_factory=list)
    assumptions: list[str] = Field(default_factory=list)
