"""The result of a shock: the typed document ``chainshock shock --json`` prints.

Everything the CLI table, the impact reports (HTML/Markdown/JSON) and the
graph view show comes from a :class:`ShockResult`. The field names are a
contract: extend, don't rename.

Conventions
-----------
- ``price_change`` and every other ``*_change`` without a unit is a
  **fraction** (0.05 = +5%).
- Money is in USD units (``*_usd``). Ledger amounts are per quarter; the
  ``*_usd`` totals on an :class:`Impact` are sums over the horizon.
- ``ShockSpec.pct`` is a **percent** (30 = +30%), as in scenario files.
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
    "BalanceRow",
    "CapexReach",
    "CapexResult",
    "CapexShock",
    "ContractShield",
    "Conversion",
    "Impact",
    "IndexBaseline",
    "IndexContribution",
    "IndexImpact",
    "IndexPoint",
    "LedgerEntry",
    "PathEdge",
    "QuarterValue",
    "ScenarioInfo",
    "SensitivityRow",
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
    pct: float = Field(description="price shock in percent (30 = +30%), base value")
    pct_low: float | None = Field(default=None, description="low end of the shock's range, percent")
    pct_high: float | None = Field(default=None, description="high end of the shock's range, percent")
    start_quarter: str = Field(description="first quarter the shock applies, e.g. '2026Q1'")
    end_quarter: str | None = Field(default=None, description="last quarter the shock applies; None: to the horizon")

    @property
    def fraction(self) -> float:
        """The base shock as a fraction (0.3 = +30%)."""
        return self.pct / 100.0


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
    price_basis: str = Field(
        default="own",
        description="own: the node's price; products: a producer's revenue-weighted price of the products it makes "
        "(weights: its market share x the product's market size)",
    )
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
    revenue_change_usd: float | None = Field(default=None, description="ledger: Δrevenue summed over the horizon")
    cost_change_usd: float | None = Field(default=None, description="ledger: Δcost summed over the horizon")
    operating_income_change_usd: float | None = Field(
        default=None, description="ledger: Δoperating income summed over the horizon (P5/P95 below)"
    )
    operating_income_p5: float | None = None
    operating_income_p95: float | None = None
    margin_hit_usd: float | None = Field(
        default=None,
        description="ledger: fall in operating income over the horizon, USD (positive = loss; 0 when it rises)",
    )
    margin_hit_p5: float | None = None
    margin_hit_p50: float | None = None
    margin_hit_p95: float | None = None
    cost_base_usd: float | None = None
    cost_base_source: str | None = Field(
        default=None, description="where the cost base comes from (fact with accession, or estimate)"
    )
    windfall_usd: float | None = Field(
        default=None, description="ledger: rise in operating income over the horizon, USD (0 when it falls)"
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
    earnings_change: float | None = Field(
        default=None, description="annualised Δoperating income / filed operating income; None when not filed"
    )
    value_change_usd: float | None = Field(default=None, description="PV valuation: after-tax ΔOI, discounted")
    contribution: float = Field(description="this company's part of the index change (fraction)")
    earnings_source: str = Field(default="", description="where the baseline earnings come from")


class IndexBaseline(_Model):
    """A constituent's baseline earnings, and the facts they are read from."""

    company: str
    name: str
    weight: float
    earnings_usd: float | None = Field(
        default=None, description="filed annual operating income (the one earnings basis); None when unknown"
    )
    market_cap_usd: float | None = Field(default=None, description="weight x the index's market value")
    source: str = Field(default="", description="metric, period and document; empty when unknown")
    earnings_change: float | None = Field(
        default=None, description="base-value earnings change (fraction); None when not sized"
    )


class IndexPoint(_Model):
    """The index change valued with the ledger up to and including ``quarter``."""

    quarter: str
    change: float
    p5: float | None = None
    p95: float | None = None


class IndexImpact(_Model):
    """An index's change under one weighting and one valuation.

    ``valuation == "pv"`` (default): a constituent's value moves by the
    present value of its after-tax Δoperating income over the scenario's
    persistence, against its market value on the weights' date, so a
    cap-weighted index moves by ``Σ ΔPV_c / market value of the index``.
    ``"pe"``: constant P/E on filed operating income, an upper bound.
    ``coverage`` is the index weight the graph's constituents hold.
    """

    index: str
    name: str
    weighting: str
    valuation: str = Field(default="pv", description='"pv" (present value, default) or "pe" (upper bound)')
    change: float
    path: list[IndexPoint] = Field(default_factory=list, description="change valued through each quarter")
    market_cap_usd: float | None = None
    market_cap_source: str = ""
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


class LedgerEntry(_Model):
    """One company's (or consumer segment's, or outside party's) ledger line in one quarter, USD."""

    node: str
    name: str = ""
    kind: str = Field(default="company", description="company, consumer_segment or outside")
    quarter: str
    revenue_change_usd: float
    cost_change_usd: float
    depreciation_change_usd: float = 0.0
    operating_income_change_usd: float


class BalanceRow(_Model):
    """Σ Δrevenue = Σ Δcost + Δ final-demand spend, checked in one quarter (base values)."""

    quarter: str
    paid_usd: float
    received_usd: float
    final_demand_usd: float
    residual_usd: float


class Conversion(_Model):
    """How a buyer's cost shares became dollars per dollar of its revenue."""

    node: str
    cost_base_usd: float | None
    revenue_usd: float | None
    cost_to_revenue: float
    source: str


class SensitivityRow(_Model):
    """One input's swing of one index change, others at base (tornado)."""

    index: str
    weighting: str
    input: str
    low: float
    high: float
    swing: float


class ShockResult(_Model):
    """The whole answer to one scenario."""

    scenario: ScenarioInfo
    impacts: list[Impact] = Field(default_factory=list)
    paths: list[ShockPath] = Field(default_factory=list)
    indexes: list[IndexImpact] = Field(default_factory=list)
    capex: CapexResult | None = None
    contracts: list[ContractShield] = Field(default_factory=list)
    ledger: list[LedgerEntry] = Field(default_factory=list)
    balance: list[BalanceRow] = Field(default_factory=list)
    conversions: list[Conversion] = Field(default_factory=list)
    sensitivity: list[SensitivityRow] = Field(default_factory=list)
    assumptions: list[str] = Field(default_factory=list)
