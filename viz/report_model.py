"""The impact report as a published, typed document.

``chainshock report SCENARIO --out report.json`` writes a :class:`Report`;
its JSON Schema is published in ``docs/report.schema.json`` (regenerate
with ``python -m chainshock.viz.report_model > docs/report.schema.json``;
a test fails when the file is stale).

The report carries the full :class:`~chainshock.queries.result.ShockResult`
it was built from (``result``), so every number it shows can be checked
against ``chainshock shock --json``; the other sections are views of it
plus the sources behind each number.

Examples
--------
>>> schema = report_schema()
>>> schema["title"], "result" in schema["required"]
('Report', True)
"""

from __future__ import annotations

import json
import sys
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from chainshock.queries.compare import IndexRow, PriceRow
from chainshock.queries.result import ShockResult

__all__ = [
    "REPORT_SCHEMA_VERSION",
    "CapexBucket",
    "ComparisonSection",
    "ContractCounts",
    "MarginRow",
    "OutcomePair",
    "OutcomeRow",
    "Report",
    "ReportSource",
    "TierSummary",
    "report_schema",
    "schema_text",
]

REPORT_SCHEMA_VERSION = 2


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TierSummary(_Model):
    """How one tier moves: its most affected node, and the tier's average."""

    tier: str
    nodes: int = Field(description="nodes of the tier with a computed price change")
    top_node: str
    top_name: str
    price_change: float = Field(description="the top node's change at the end of the horizon (fraction)")
    p5: float | None = None
    p50: float | None = None
    p95: float | None = None
    mean_price_change: float = Field(description="simple average over the tier's nodes (fraction)")


class OutcomeRow(_Model):
    """A winner or a payer: the change of its operating income from the result's ledger, USD."""

    node: str
    name: str
    kind: str = Field(description="company, consumer_segment (final demand) or outside (not in the graph)")
    operating_income_change_usd: float = Field(description="over the horizon (the ledger's sum)")
    revenue_change_usd: float | None = None
    cost_change_usd: float | None = None
    p5: float | None = None
    p95: float | None = None
    price_change: float | None = Field(default=None, description="its own price change at the end of the horizon")


class ContractCounts(_Model):
    """Fixed-price contracts by when they bind, counted once per contract."""

    in_force: int = Field(description="shield some quarter of the horizon")
    end_within: int = Field(description="in force and end inside the horizon")
    run_past: int = Field(description="in force and end after the horizon, or open-ended")
    outside_horizon: int = Field(description="ended before the horizon or start after it: shield nothing here")
    first_end: str | None = Field(default=None, description="the earliest end date among those ending inside")


class MarginRow(_Model):
    """A company's absorbed cost increase per year (USD), with its cost base's source."""

    node: str
    name: str
    margin_hit_usd: float
    p5: float | None = None
    p50: float | None = None
    p95: float | None = None
    input_cost_change: float | None = None
    pass_through: float | None = None
    pass_through_source: str | None = None
    cost_base_usd: float | None = None
    cost_base_source: str | None = None
    estimate: bool = Field(description="the cost base is a curated estimate, not a filed number")


class CapexBucket(_Model):
    """Where capex goes, by kind of supplier, against reported backlogs."""

    bucket: str = Field(description="chips, memory, servers, power equipment, construction, utilities, ...")
    revenue_change_usd: float
    p5: float | None = None
    p95: float | None = None
    backlog_usd: float | None = Field(default=None, description="sum of the reported backlogs known in the bucket")
    nodes: list[str] = Field(default_factory=list)


class ReportSource(_Model):
    """A document a number in the report comes from."""

    ref: int = Field(description="the number the report cites it by, [1], [2], ...")
    id: str
    title: str
    url: str | None = None
    kind: str | None = None
    grade: str | None = Field(default=None, description="filed, primary or secondary (chainshock.graph.audit)")
    estimate: bool = Field(default=False, description="a curated estimate rather than a reported figure")
    used_for: list[str] = Field(default_factory=list, description="what in the report rests on it")
    quotes: list[str] = Field(default_factory=list)


class OutcomePair(_Model):
    """One node's change of operating income (USD) in run A and in run B."""

    node: str
    name: str
    kind: str = Field(description="company, consumer_segment (final demand) or outside (not in the graph)")
    a_usd: float | None = Field(description="A's ledger sum over its horizon; None when A's ledger has no row")
    b_usd: float | None = Field(description="B's ledger sum over its horizon; None when B's ledger has no row")
    delta_usd: float | None = Field(description="b_usd - a_usd; None when one side is missing")


class ComparisonSection(_Model):
    """``chainshock compare A B --report out.json``: the section a comparison report shows."""

    title: str
    a: str = Field(description="scenario A's name")
    b: str = Field(description="scenario B's name")
    a_basis: str = Field(description="what A's USD amounts cover, e.g. 'over 2026Q1–2027Q4'")
    b_basis: str
    a_quarters: list[str] = Field(default_factory=list)
    b_quarters: list[str] = Field(default_factory=list)
    summary: list[str] = Field(description="at most six plain sentences")
    winners: list[OutcomePair] = Field(
        default_factory=list, description="the largest gains of either run, largest first"
    )
    payers: list[OutcomePair] = Field(
        default_factory=list, description="the largest losses of either run, largest first"
    )
    prices: list[PriceRow] = Field(default_factory=list, description="the price rows that differ most")
    same_prices: int = Field(default=0, description="nodes whose price moves the same in both (within 0.005 pp)")
    indexes: list[IndexRow] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


class Report(_Model):
    """The impact report of one scenario run."""

    schema_version: int = REPORT_SCHEMA_VERSION
    title: str
    scenario: str
    snapshot: str = Field(description="content hash of the snapshot the run read")
    summary: list[str] = Field(description="the executive summary, at most six plain sentences")
    basis: str = Field(default="", description="what the USD amounts cover, e.g. 'over 2026Q1–2027Q4'")
    winners: list[OutcomeRow] = Field(default_factory=list, description="largest gains of operating income")
    payers: list[OutcomeRow] = Field(
        default_factory=list, description="largest losses: companies, final demand and buyers outside the graph"
    )
    contract_counts: ContractCounts | None = None
    tiers: list[TierSummary] = Field(default_factory=list)
    margins: list[MarginRow] = Field(default_factory=list)
    capex_buckets: list[CapexBucket] = Field(default_factory=list)
    sources: list[ReportSource] = Field(default_factory=list)
    names: dict[str, str] = Field(
        default_factory=dict, description="display names of the node ids the report mentions"
    )
    path_sources: list[list[int]] = Field(
        default_factory=list,
        description="for each of the first result.paths shown, the refs of the evidence behind its edges",
    )
    result: ShockResult = Field(description="the run, exactly as `chainshock shock --json` prints it")
    comparison: ComparisonSection | None = Field(
        default=None, description="`report A --compare B`: this run (A) and another (B) side by side"
    )


def report_schema() -> dict[str, Any]:
    """The JSON Schema of :class:`Report`."""
    return Report.model_json_schema()


def schema_text() -> str:
    """The schema as the text stored in ``docs/report.schema.json``."""
    return json.dumps(report_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":  # python -m chainshock.viz.report_model > docs/report.schema.json
    sys.stdout.write(schema_text())
