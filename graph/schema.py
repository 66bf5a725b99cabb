"""The graph's data model: nodes, edges, facts, evidence and sources.

Every record is a small pydantic model. Relationships point the way money and
goods flow, supplier -> buyer, except ``USES`` (company -> product, the
buyer's cost share of a product) as in the design.

An estimated quantity is an :class:`Estimate` (low/base/high plus a one-line
basis) and is always labelled as an estimate. Every edge and fact carries at
least one :class:`Evidence`; :func:`validate_graph` refuses one that does not.

The graph-wide checks (:func:`validate_graph`,
:func:`implied_revenue_problems`) live in :mod:`chainshock.graph.validate`
and are re-exported here.

Examples
--------
>>> share = Estimate(low=0.3, base=0.45, high=0.55, basis="Epoch AI: memory 52-63% of AI-chip spend")
>>> share.base
0.45
>>> Estimate(low=0.6, base=0.5, high=0.7, basis="x")
Traceback (most recent call last):
...
pydantic_core._pydantic_core.ValidationError: 1 validation error for Estimate
...
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "SCHEMA_VERSION",
    "TIERS",
    "Company",
    "Contract",
    "Country",
    "Edge",
    "EdgeType",
    "Estimate",
    "Evidence",
    "Fact",
    "GraphRecords",
    "Index",
    "Method",
    "Node",
    "NodeLabel",
    "Problem",
    "Product",
    "Role",
    "Source",
    "edge_id",
    "tier_of",
]

SCHEMA_VERSION = 1


class Role(StrEnum):
    hyperscaler = "hyperscaler"
    neocloud = "neocloud"
    chip_designer = "chip_designer"
    memory_producer = "memory_producer"
    foundry = "foundry"
    packaging = "packaging"
    server_maker = "server_maker"
    industrial = "industrial"
    utility = "utility"
    software = "software"
    ai_lab = "ai_lab"
    device_maker = "device_maker"
    consumer_segment = "consumer_segment"


class NodeLabel(StrEnum):
    Company = "Company"
    Product = "Product"
    Contract = "Contract"
    Index = "Index"
    Country = "Country"
    Source = "Source"


class EdgeType(StrEnum):
    SUPPLIES = "SUPPLIES"
    PRODUCES = "PRODUCES"
    USES = "USES"
    PARTY_TO = "PARTY_TO"
    COVERS = "COVERS"
    CONSTITUENT_OF = "CONSTITUENT_OF"
    LOCATED_IN = "LOCATED_IN"
    INVESTS_IN = "INVESTS_IN"
    PARTNERS_WITH = "PARTNERS_WITH"


# ``inferred``: derived from other cited facts (the edge names its ``basis``);
# ``judgement``: an analyst estimate whose evidence is its stated basis.
Method = Literal["curated", "xbrl", "rule", "model", "text", "inferred", "judgement"]

# Tiers for reading a shock from raw inputs to end customers. Industrials and
# utilities sit beside the cloud: they are paid by it, not downstream of it.
TIERS: tuple[str, ...] = (
    "memory",
    "chips",
    "servers",
    "cloud",
    "industrials",
    "utilities",
    "software",
    "devices",
    "consumers",
    "other",
)
_ROLE_TIER = {
    Role.memory_producer: "memory",
    Role.chip_designer: "chips",
    Role.foundry: "chips",
    Role.packaging: "chips",
    Role.server_maker: "servers",
    Role.hyperscaler: "cloud",
    Role.neocloud: "cloud",
    Role.industrial: "industrials",
    Role.utility: "utilities",
    Role.software: "software",
    Role.ai_lab: "software",
    Role.device_maker: "devices",
    Role.consumer_segment: "consumers",
}
_PRODUCT_TIER = {
    "hbm": "memory",
    "dram": "memory",
    "nand": "memory",
    "gpu_accelerator": "chips",
    "custom_accelerator": "chips",
    "wafer": "chips",
    "advanced_packaging": "chips",
    "ai_server": "servers",
    "cloud_compute": "cloud",
    "electricity": "utilities",
    "power_equipment": "industrials",
    "cooling": "industrials",
    "construction": "industrials",
    "saas": "software",
    "ai_model_api": "software",
    "consumer_device": "devices",
}


def tier_of(label: str, roles: Iterable[str] = (), category: str | None = None) -> str:
    """The tier a node is read in: the most upstream of its roles.

    >>> tier_of("Company", ["device_maker", "memory_producer"])
    'memory'
    >>> tier_of("Product", category="ai_server")
    'servers'
    """
    if label == "Product":
        return _PRODUCT_TIER.get(category or "", "other")
    tiers = [_ROLE_TIER[Role(r)] for r in roles if r in Role.__members__]
    if not tiers:
        return "other"
    return min(tiers, key=TIERS.index)


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=True)


class Estimate(_Record):
    """An estimated quantity: low <= base <= high, with the reason for it.

    ``estimate`` is always true for curated ranges; a value read from a
    filing is a :class:`Fact`, not an Estimate.
    """

    low: float
    base: float
    high: float
    basis: str = Field(min_length=3)
    estimate: Literal[True] = True

    @model_validator(mode="after")
    def _ordered(self) -> Estimate:
        if not (self.low <= self.base <= self.high):
            raise ValueError(
                f"range must satisfy low <= base <= high, got {self.low}, {self.base}, {self.high}"
            )
        return self

    def within(self, lo: float, hi: float) -> bool:
        """Whether the whole range lies in ``[lo, hi]``."""
        return lo <= self.low and self.high <= hi

    def triple(self) -> tuple[float, float, float]:
        """``(low, base, high)``, the form the array code samples from.

        >>> Estimate(low=0.3, base=0.45, high=0.55, basis="Epoch AI").triple()
        (0.3, 0.45, 0.55)
        """
        return self.low, self.base, self.high


class Evidence(_Record):
    """Where a number or relationship comes from."""

    source_id: str = Field(min_length=1)
    locator: str = ""
    quote: str = ""
    method: Method = "curated"
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)
    as_of: dt.date


class Source(_Record):
    """A filing or cited document."""

    id: str = Field(min_length=1)
    kind: Literal[
        "filing", "press_release", "article", "research", "company_page", "dataset", "web"
    ]
    title: str
    url: str | None = None
    publisher: str | None = None
    accession: str | None = None
    form: str | None = None
    cik: str | None = None
    filed: dt.date | None = None
    as_of: dt.date | None = None
    reliability: Literal["primary", "secondary"] = "primary"
    note: str | None = None

    @model_validator(mode="after")
    def _locatable(self) -> Source:
        if not (self.url or self.accession):
            raise ValueError("a source needs a url or an accession")
        return self


class Node(_Record):
    id: str = Field(pattern=r"^[a-z]+:[a-z0-9][a-z0-9._-]*$")
    name: str = Field(min_length=1)
    evidence: tuple[Evidence, ...] = ()

    @property
    def label(self) -> str:
        """The node's label, its class name (``Company``, ``Product``, ...)."""
        return type(self).__name__

    def properties(self) -> dict[str, Any]:
        """Label-specific properties, JSON-ready (no id, name, evidence)."""
        data = self.model_dump(mode="json", exclude={"id", "name", "evidence"})
        return {k: v for k, v in data.items() if v not in (None, [], {}, ())}


class Company(Node):
    roles: tuple[Role, ...] = Field(min_length=1)
    ticker: str | None = None
    exchange: str | None = None
    cik: str | None = None
    country: str | None = None
    aliases: tuple[str, ...] = ()
    # Words a quote may use for this company or segment ("consumers", "developers"):
    # read by the evidence audit only, never to resolve names in filings.
    quote_names: tuple[str, ...] = ()
    segment: bool = False  # a segment (e.g. "SaaS developers"), not a listed firm
    pass_through: Estimate | None = None
    cost_base_usd: Estimate | None = None
    resolved: bool = True

    @field_validator("cik")
    @classmethod
    def _cik_digits(cls, v: str | None) -> str | None:
        if v is None:
            return v
        if not v.isdigit():
            raise ValueError(f"CIK must be digits, got {v!r}")
        return v.zfill(10)


class Product(Node):
    category: str
    unit: str | None = None
    market_size_usd: Estimate | None = None


class Contract(Node):
    kind: Literal["lta", "ppa", "supply", "prepayment", "investment", "offtake"]
    start: dt.date | None = None
    end: dt.date | None = None
    announced: dt.date | None = None
    value_usd: Estimate | None = None
    capacity_mw: float | None = None
    description: str | None = None

    @model_validator(mode="after")
    def _dates(self) -> Contract:
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"contract ends ({self.end}) before it starts ({self.start})")
        return self


class Index(Node):
    weighting: Literal["cap", "equal"]
    country: str | None = None
    base_index: str | None = None  # the cap-weighted index an equal-weight one mirrors
    members: int | None = Field(default=None, ge=1)  # constituents in all, for equal weighting
    market_cap_usd: Estimate | None = None  # the index's total market value on its weights' date (PV valuation)


class Country(Node):
    iso: str = Field(min_length=2, max_length=3)
    aliases: tuple[str, ...] = ()  # demonyms and cities a quote may use ("French", "Amsterdam-based")


def edge_id(type_: str, source: str, target: str, qualifier: str | None = None) -> str:
    """A stable, readable edge id.

    >>> edge_id("SUPPLIES", "company:sk-hynix", "company:nvidia", "product:hbm")
    'supplies:company:sk-hynix->company:nvidia#product:hbm'
    """
    base = f"{type_.lower()}:{source}->{target}"
    return f"{base}#{qualifier}" if qualifier else base


class Edge(_Record):
    """A typed relationship with its properties and evidence.

    Properties by type (all optional unless noted):

    - ``SUPPLIES``: ``product`` (product id), ``cost_share`` (Estimate: share of
      the buyer's unit cost bought from the supplier), ``revenue_share``
      (Estimate: share of the supplier's revenue), ``lag_quarters``.
      A SUPPLIES edge with ``product`` but no ``cost_share`` records *who*
      sources a product the buyer already ``USES``: it carries paths,
      contracts and attribution, not a second cost share.
    - ``PRODUCES``: ``market_share`` (Estimate).
    - ``USES``: ``cost_share`` (Estimate, required), ``lag_quarters``.
    - ``PARTY_TO``: ``role`` (buyer, seller, investor, investee, offtaker).
    - ``COVERS``: ``fixed_share`` (Estimate: share of the buyer's purchases at a
      fixed price), ``price_terms`` (fixed, indexed, cost_plus, capped: a
      ceiling is not a fixed price and shields nothing below it), ``volume``.
    - ``CONSTITUENT_OF``: ``weight`` (Estimate, fraction of the index), ``as_of``.
    - ``INVESTS_IN``: ``amount_usd`` (Estimate), ``stake`` (Estimate).
    - ``PARTNERS_WITH``: filer -> partner a filing names ("strategic
      partnership with X"), ``relation``. Never carries goods or money: no
      price or capex propagation follows it.

    Any type may carry ``inferred: true`` with a ``basis`` (the rule and the
    cited inputs it was derived from) when no quote names its parties; see
    :mod:`chainshock.graph.audit`.
    """

    id: str
    type: EdgeType
    source: str
    target: str
    properties: dict[str, Any] = Field(default_factory=dict)
    evidence: tuple[Evidence, ...] = ()

    def estimate(self, key: str) -> Estimate | None:
        """A range property (``cost_share``, ``weight``, ...) as an :class:`Estimate`, or None.

        >>> e = Edge(id="x", type="USES", source="company:a", target="product:b",
        ...          properties={"cost_share": {"low": 0.1, "base": 0.2, "high": 0.3, "basis": "fixture"}})
        >>> e.estimate("cost_share").base, e.estimate("weight")
        (0.2, None)
        """
        value = self.properties.get(key)
        if value is None:
            return None
        return value if isinstance(value, Estimate) else Estimate.model_validate(value)


class Fact(_Record):
    """A dated metric of a company, in units (USD, not thousands)."""

    id: str
    company: str
    metric: str
    fiscal_year: int | None = None
    fiscal_period: str = "FY"  # FY, Q1..Q4, or "instant" for balances
    period_start: dt.date | None = None
    period_end: dt.date
    value: float
    unit: str = "USD"
    source_id: str
    concept: str | None = None  # XBRL concept or text label
    estimate: Estimate | None = None  # set when the value is an estimate
    evidence: tuple[Evidence, ...] = ()


class GraphRecords(BaseModel):
    """Everything a loader yields, before it becomes a snapshot."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    nodes: list[Node] = Field(default_factory=list)
    edges: list[Edge] = Field(default_factory=list)
    facts: list[Fact] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    skipped: list[tuple[str, str]] = Field(default_factory=list)  # (path, reason)

    def extend(self, other: GraphRecords) -> None:
        """Append ``other``'s records to these, in place (no de-duplication)."""
        self.nodes.extend(other.nodes)
        self.edges.extend(other.edges)
        self.facts.extend(other.facts)
        self.sources.extend(other.sources)
        self.skipped.extend(other.skipped)


class Problem(BaseModel):
    """One validation finding: which record, what is wrong."""

    subject: str
    message: str
    where: str | None = None  # file:line when known

    def __str__(self) -> str:
        prefix = f"{self.where}: " if self.where else ""
        return f"{prefix}{self.subject}: {self.message}"


def __getattr__(name: str) -> Any:
    """``validate_graph`` and ``implied_revenue_problems``, which moved to :mod:`chainshock.graph.validate`.

    Loaded on first use: validate.py imports the records above, so an
    import at the top of either module would be circular.
    """
    if name in ("validate_graph", "implied_revenue_problems"):
        from . import validate

        return getattr(validate, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
