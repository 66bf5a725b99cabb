"""Scenario files: YAML validated by pydantic, errors with the file and line.

The format is documented in ``docs/scenarios.md``. A minimal scenario::

    name: memory-squeeze
    shocks:
      - {node: product:hbm, pct: 30}

:func:`load_scenario` parses and validates the file's shape; node names are
checked against a graph by :func:`resolve_scenario`, which needs the
snapshot. Both raise :class:`~chainshock.errors.ScenarioError` with
``file:line`` of the offending key.

Examples
--------
>>> s = Scenario.model_validate({"name": "x", "shocks": [{"node": "product:hbm", "pct": 30}]})
>>> s.shocks[0].fraction
0.3
>>> Scenario.model_validate({"name": "x"})
Traceback (most recent call last):
...
pydantic_core._pydantic_core.ValidationError: 1 validation error for Scenario
...
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from chainshock.errors import ChainshockError, DataError, ScenarioError

__all__ = [
    "AssumedContract",
    "CapexSpec",
    "CompanyCapex",
    "Range",
    "Scenario",
    "Shock",
    "Valuation",
    "load_scenario",
    "resolve_scenario",
    "scenario_from_shock",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Range(_Model):
    """A low/base/high range (fractions), or one number for all three."""

    low: float
    base: float
    high: float
    basis: str = "scenario assumption"

    @model_validator(mode="before")
    @classmethod
    def _number(cls, value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return {"low": value, "base": value, "high": value}
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if not (self.low <= self.base <= self.high):
            raise ValueError(f"range must satisfy low <= base <= high, got {self.low}, {self.base}, {self.high}")
        return self

    def triple(self) -> tuple[float, float, float]:
        return self.low, self.base, self.high


def _unit(r: Range) -> Range:
    if r.low < 0 or r.high > 1:
        raise ValueError(f"must lie in [0, 1], got {r.low}..{r.high}")
    return r


class Shock(_Model):
    """An exogenous price shock on one node, in percent (30 = +30%).

    ``pct`` may be a number or ``{low, base, high}`` (percent); the range is
    drawn in Monte Carlo. ``end`` is the last quarter the shock holds.

    >>> Shock.model_validate({"node": "x", "pct": {"low": 20, "base": 30, "high": 40}}).pct_range
    (20.0, 30.0, 40.0)
    """

    node: str = Field(min_length=1)
    pct: float = Field(gt=-100, le=1000, description="percent change of the node's price (base)")
    pct_low: float | None = Field(default=None, gt=-100, le=1000)
    pct_high: float | None = Field(default=None, gt=-100, le=1000)
    start: str | None = Field(default=None, description="first quarter, e.g. 2026Q2 (default: the scenario start)")
    end: str | None = Field(default=None, description="last quarter the shock holds (default: to the horizon)")

    @model_validator(mode="before")
    @classmethod
    def _range(cls, value: Any) -> Any:
        if isinstance(value, dict) and isinstance(value.get("pct"), dict):
            r = dict(value["pct"])
            value = {**value, "pct": r.get("base"), "pct_low": r.get("low"), "pct_high": r.get("high")}
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Shock:
        lo, base, hi = self.pct_range
        if not lo <= base <= hi:
            raise ValueError(f"pct range must satisfy low <= base <= high, got {lo}, {base}, {hi}")
        return self

    @property
    def pct_range(self) -> tuple[float, float, float]:
        """(low, base, high) in percent."""
        lo = self.pct if self.pct_low is None else self.pct_low
        hi = self.pct if self.pct_high is None else self.pct_high
        return float(lo), float(self.pct), float(hi)

    @property
    def fraction(self) -> float:
        return self.pct / 100.0

    @field_validator("start", "end")
    @classmethod
    def _quarter(cls, v: str | None) -> str | None:
        if v is not None:
            from .contracts import parse_quarter

            try:
                parse_quarter(v)
            except ChainshockError as e:
                raise ValueError(str(e)) from None
        return v


class CompanyCapex(_Model):
    """A capex change for one company: a percent change or new level."""

    company: str
    pct: float | None = Field(default=None, gt=-100)
    to_usd: float | None = Field(default=None, ge=0)
    baseline_usd: float | None = Field(default=None, gt=0, description="default: latest capex fact")

    @model_validator(mode="after")
    def _one(self) -> CompanyCapex:
        if (self.pct is None) == (self.to_usd is None):
            raise ValueError("give exactly one of pct or to_usd")
        return self


# Defaults for what extra capex costs to run and to finance (docs/scenarios.md, "Capex"); every
# one is an estimate with a range, shown in each capex run's assumptions.
DEFAULT_USD_PER_GW = {
    "low": 30e9, "base": 35e9, "high": 80e9,
    "basis": "capex per GW of AI data-centre capacity, chips included: Bernstein ~$35B "
             "(industrialpcnews.com/the-35-billion-ai-factory-inside-nvidias-trillion-20251029); "
             "Epoch AI ~$30B (data-today.net/gigawatt-buildout); IBM's CEO ~$80B 'to build and fill' (estimate)"}
DEFAULT_LOAD_FACTOR = {
    "low": 0.5, "base": 0.7, "high": 0.9,
    "basis": "average draw / capacity: LBNL 2024 US Data Center Energy Usage Report 325-580 TWh on 74-132 GW "
             "= 50%; utilities and RFF assume ~90% (powerpolicy.net/p/the-puzzle-of-low-data-center-utilization); "
             "base the midpoint (estimate)"}
DEFAULT_USD_PER_MWH = {
    "low": 60.0, "base": 80.0, "high": 100.0,
    "basis": "EIA Electric Power Monthly table 5.6.A, April 2025, industrial price in data-centre states: "
             "Iowa 6.04, Ohio 7.90, Pennsylvania 8.59, Indiana 9.01, Illinois 9.81 cents/kWh (estimate)"}
DEFAULT_ONLINE_LAG = 3
DEFAULT_ONLINE_LAG_BASIS = (
    "capacity comes online ~3 quarters after the average capex dollar: chips (two-thirds to three-quarters of "
    "the cost, invest-watch.pages.dev/datacenters) are bought about a quarter before they run, the building and "
    "grid connection ~2 years before (data-today.net/gigawatt-buildout); 2/3 x 1 + 1/3 x 8 = ~3 (estimate)")
DEFAULT_DEBT_SHARE = {
    "low": 0.1, "base": 0.3, "high": 0.5,
    "basis": "Amazon, Alphabet, Meta, Microsoft and Oracle issued $121B of debt in 2025 (Bank of America, "
             "fortune.com via coins2day.com/2025/11/19) against ~$400B of data-centre capex (Reuters factbox, "
             "srnnews.com 2025-11-24): ~30%; the five-year average issuance $28B a year is ~10% (estimate)"}
DEFAULT_COST_OF_DEBT = {
    "low": 0.045, "base": 0.05, "high": 0.06,
    "basis": "10-year US Treasury ~4.3% (2025) + hyperscaler credit spread ~0.5-1.3 pp (Bank of America: "
             "spreads +10-48 bp wider Sep-Nov 2025, Oracle BBB); estimate"}


class CapexSpec(_Model):
    """Hyperscaler capex: a total from -> to, split by latest capex facts, and/or per company.

    The extra capex also buys capacity that draws electricity (``usd_per_gw``,
    ``load_factor``, ``usd_per_mwh``, ``online_lag_quarters``) and is partly
    financed by debt (``debt_share`` x ``cost_of_debt``); defaults are cited estimates.
    """

    from_usd: float | None = Field(default=None, gt=0)
    to_usd: float | None = Field(default=None, ge=0)
    companies: list[str] | None = Field(
        default=None, description="who shares the total (default: every hyperscaler in the graph)"
    )
    changes: list[CompanyCapex] = Field(default_factory=list)
    usd_per_gw: Range = Field(default_factory=lambda: Range.model_validate(DEFAULT_USD_PER_GW))
    load_factor: Range = Field(default_factory=lambda: Range.model_validate(DEFAULT_LOAD_FACTOR))
    usd_per_mwh: Range = Field(default_factory=lambda: Range.model_validate(DEFAULT_USD_PER_MWH))
    online_lag_quarters: int = Field(default=DEFAULT_ONLINE_LAG, ge=0, le=40)
    debt_share: Range = Field(default_factory=lambda: Range.model_validate(DEFAULT_DEBT_SHARE))
    cost_of_debt: Range = Field(default_factory=lambda: Range.model_validate(DEFAULT_COST_OF_DEBT))

    _fractions = field_validator("load_factor", "debt_share", "cost_of_debt")(_unit)

    @field_validator("usd_per_gw", "usd_per_mwh")
    @classmethod
    def _positive(cls, r: Range) -> Range:
        if r.low <= 0:
            raise ValueError(f"must be positive, got low {r.low}")
        return r

    @model_validator(mode="after")
    def _total(self) -> CapexSpec:
        if (self.from_usd is None) != (self.to_usd is None):
            raise ValueError("give both from_usd and to_usd, or neither")
        if self.from_usd is None and not self.changes:
            raise ValueError("give from_usd/to_usd or a list of changes")
        return self


class AssumedContract(_Model):
    """A fixed-price coverage the scenario assumes (not in the graph)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._:-]*$")
    buyer: str
    product: str
    fixed_share: Range
    start: dt.date | None = None
    end: dt.date | None = None
    sellers: list[str] = Field(default_factory=list)
    basis: str = Field(min_length=3, description="why the scenario assumes it")

    _share = field_validator("fixed_share")(_unit)


# Defaults for the PV valuation, shown in every run's assumptions (docs/scenarios.md):
# - tax: the US federal corporate rate is 21% (26 U.S.C. § 11(b), as amended by the
#   Tax Cuts and Jobs Act 2017); Korea's top rate 24% and Taiwan's 20% sit in the range.
# - discount: a cost of equity of risk-free (~4-4.5%, 10-year US Treasury 2025) plus an
#   equity risk premium of ~4-5% (Damodaran's implied ERP, pages.stern.nyu.edu/~adamodar),
#   i.e. 8-10%, widened to 7-11% for single names.
DEFAULT_TAX = {"low": 0.17, "base": 0.21, "high": 0.25,
               "basis": "US federal corporate rate 21% (26 U.S.C. § 11(b)); Taiwan 20%, Korea 24% top rate"}
DEFAULT_DISCOUNT = {"low": 0.07, "base": 0.09, "high": 0.11,
                    "basis": "cost of equity: ~4.3% 10-year Treasury + ~4-5% equity risk premium (Damodaran)"}


class Valuation(_Model):
    """How Δoperating income becomes a share-price change."""

    method: Literal["pv", "pe"] = "pv"
    tax_rate: Range = Field(default_factory=lambda: Range.model_validate(DEFAULT_TAX))
    discount_rate: Range = Field(default_factory=lambda: Range.model_validate(DEFAULT_DISCOUNT))
    persistence_years: Range | None = Field(
        default=None, description="how long the change in operating income lasts (default: the horizon)"
    )

    _tax = field_validator("tax_rate", "discount_rate")(_unit)


class Scenario(_Model):
    """A shock scenario (see ``docs/scenarios.md``)."""

    name: str = Field(min_length=1)
    description: str = ""
    start: str | None = Field(default=None, description="first quarter (default: the current quarter)")
    horizon_quarters: int = Field(default=8, ge=1, le=40)
    shocks: list[Shock] = Field(default_factory=list)
    capex: CapexSpec | None = None
    pass_through: dict[str, Range] = Field(default_factory=dict, description="node -> pass-through")
    pass_through_defaults: dict[str, Range] = Field(default_factory=dict, description="role -> pass-through")
    contracts: Literal["honour", "ignore"] = "honour"
    contract_ends: dict[str, dt.date] = Field(
        default_factory=dict, description="contract id -> a different end date"
    )
    assumed_contracts: list[AssumedContract] = Field(default_factory=list)
    index_members: dict[str, int] = Field(
        default_factory=dict, description="index -> constituent count, for equal weighting"
    )
    valuation: Valuation = Field(default_factory=Valuation)
    allow_extreme: bool = Field(default=False, description="allow |pct| beyond -90..+300")
    draws: int = Field(default=1000, ge=0, le=100_000)
    seed: int = 0
    top_k: int = Field(default=5, ge=0, le=100)

    @field_validator("pass_through", "pass_through_defaults")
    @classmethod
    def _unit_ranges(cls, v: dict[str, Range]) -> dict[str, Range]:
        for key, r in v.items():
            try:
                _unit(r)
            except ValueError as e:
                raise ValueError(f"{key}: {e}") from None
        return v

    @field_validator("pass_through_defaults")
    @classmethod
    def _roles(cls, v: dict[str, Range]) -> dict[str, Range]:
        from chainshock.graph.schema import Role

        for role in v:
            if role not in Role.__members__:
                raise ValueError(f"unknown role {role!r}; roles are {', '.join(Role.__members__)}")
        return v

    @field_validator("start")
    @classmethod
    def _quarter(cls, v: str | None) -> str | None:
        return Shock._quarter(v)

    @model_validator(mode="after")
    def _something(self) -> Scenario:
        if not self.shocks and self.capex is None:
            raise ValueError("a scenario needs shocks, capex, or both")
        return self


def _where(path: Path | None, line: int | None) -> str:
    if path is None:
        return "scenario"
    return f"{path}:{line}" if line else str(path)


def load_scenario(path: str | Path) -> tuple[Scenario, Callable[[tuple[Any, ...]], str]]:
    """Read and validate a scenario file.

    Returns
    -------
    scenario : Scenario
    where : callable
        ``where(loc) -> "file:line"`` for a location like ``("shocks", 0, "node")``.

    Raises
    ------
    ScenarioError
        ``file:line: field: what is wrong``.
    """
    from chainshock.yamlio import line_of, load_yaml, strip_marks

    file = Path(path)
    if not file.is_file():
        raise ScenarioError(f"no scenario file at {file}")
    try:
        raw = load_yaml(file)
    except DataError as e:
        raise ScenarioError(str(e)) from None
    if not isinstance(raw, dict):
        raise ScenarioError(f"{file}: a scenario is a mapping with at least name and shocks")

    def where(loc: tuple[Any, ...]) -> str:
        return _where(file, line_of(raw, loc))

    try:
        scenario = Scenario.model_validate(strip_marks(raw))
    except ValidationError as e:
        first = e.errors()[0]
        loc = tuple(first["loc"])
        field = ".".join(str(p) for p in loc) or "scenario"
        msg = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            msg = "unknown field (see docs/scenarios.md for the format)"
        raise ScenarioError(f"{where(loc)}: {field}: {msg}") from None
    return scenario, where


def scenario_from_shock(node: str, pct: float, *, draws: int = 1000, seed: int = 0, top_k: int = 5) -> Scenario:
    """The one-shock scenario behind ``chainshock shock --node ID --pct P``."""
    try:
        return Scenario(
            name=f"{node} {pct:+g}%",
            description=f"a {pct:+g}% price shock on {node}",
            shocks=[Shock(node=node, pct=pct)],
            draws=draws,
            seed=seed,
            top_k=top_k,
        )
    except ValidationError as e:
        raise ScenarioError(f"--pct: {e.errors()[0]['msg']}") from None


def resolve_scenario(
    scenario: Scenario,
    resolve: Callable[[str, list[str] | None], str],
    where: Callable[[tuple[Any, ...]], str] | None = None,
    contract_ids: set[str] | None = None,
) -> Scenario:
    """Replace every node name in ``scenario`` by its id in the graph.

    ``resolve(text, labels)`` is the graph's lookup (id, ticker or name ->
    id) and raises :class:`~chainshock.errors.NotFoundError`; that error is
    re-raised as a :class:`ScenarioError` pointing at the file and line.
    """
    locate = where or (lambda loc: "scenario")

    def one(text: str, loc: tuple[Any, ...], labels: list[str] | None) -> str:
        try:
            return resolve(text, labels)
        except ChainshockError as e:
            raise ScenarioError(f"{locate(loc)}: {'.'.join(map(str, loc))}: {e}") from None

    data = scenario.model_copy(deep=True)
    data.shocks = [
        s.model_copy(update={"node": one(s.node, ("shocks", k, "node"), ["Company", "Product"])})
        for k, s in enumerate(scenario.shocks)
    ]
    data.pass_through = {
        one(key, ("pass_through", key), ["Company"]): r for key, r in scenario.pass_through.items()
    }
    if scenario.capex is not None:
        capex = scenario.capex.model_copy(deep=True)
        if capex.companies is not None:
            capex.companies = [
                one(c, ("capex", "companies", k), ["Company"]) for k, c in enumerate(capex.companies)
            ]
        capex.changes = [
            ch.model_copy(update={"company": one(ch.company, ("capex", "changes", k, "company"), ["Company"])})
            for k, ch in enumerate(capex.changes)
        ]
        data.capex = capex
    data.assumed_contracts = [
        c.model_copy(
            update={
                "buyer": one(c.buyer, ("assumed_contracts", k, "buyer"), ["Company"]),
                "product": one(c.product, ("assumed_contracts", k, "product"), ["Product"]),
                "sellers": [
                    one(x, ("assumed_contracts", k, "sellers", m), ["Company"]) for m, x in enumerate(c.sellers)
                ],
            }
        )
        for k, c in enumerate(scenario.assumed_contracts)
    ]
    data.index_members = {
        one(key, ("index_members", key), ["Index"]): v for key, v in scenario.index_members.items()
    }
    if contract_ids is not None:
        for key in scenario.contract_ends:
            if key not in contract_ids:
                raise ScenarioError(f"{locate(('contract_ends', key))}: contract_ends: no contract {key!r} in the graph")
    return data
