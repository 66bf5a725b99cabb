"""Metric names and the XBRL concept families that report them.

Concepts change over time (NVIDIA's capex moved from
``PaymentsToAcquirePropertyPlantAndEquipment`` to
``PaymentsToAcquireProductiveAssets``), so each metric maps to an ordered
family. The order is the tie-break when one filing reports several members
for the same period: the first is the most specific total.

Examples
--------
>>> metric_of("us-gaap:PaymentsToAcquireProductiveAssets")
'capex'
>>> metric_of("us-gaap:OperatingIncomeLoss")
'operating_income'
>>> CONCEPT_RANK["Revenues"] > CONCEPT_RANK["RevenueFromContractWithCustomerExcludingAssessedTax"]
True
"""

from __future__ import annotations

__all__ = ["CONCEPT_METRIC", "CONCEPT_RANK", "INSTANT_METRICS", "METRICS", "METRIC_CONCEPTS", "metric_of"]

METRICS: tuple[str, ...] = (
    "capex",
    "revenue",
    "cost_of_revenue",
    "rd_expense",
    "operating_income",
    "purchase_obligations",
    "remaining_performance_obligations",
    "backlog",
)

METRIC_CONCEPTS: dict[str, tuple[str, ...]] = {
    "capex": (
        "PaymentsToAcquirePropertyPlantAndEquipment",
        "PaymentsToAcquireProductiveAssets",
        "PaymentsToAcquirePropertyPlantAndEquipmentAndIntangibleAssets",
        "PaymentsForCapitalImprovements",
        "PaymentsToAcquireOtherPropertyPlantAndEquipment",
    ),
    "revenue": (
        "Revenues",
        "RevenueFromContractWithCustomerExcludingAssessedTax",
        "RevenueFromContractWithCustomerIncludingAssessedTax",
        "SalesRevenueNet",
        "SalesRevenueGoodsNet",
        "RevenuesNetOfInterestExpense",
    ),
    "cost_of_revenue": (
        "CostOfRevenue",
        "CostOfGoodsAndServicesSold",
        "CostOfGoodsSold",
        "CostOfGoodsAndServiceExcludingDepreciationDepletionAndAmortization",
        "CostOfServices",
    ),
    "rd_expense": (
        "ResearchAndDevelopmentExpense",
        "ResearchAndDevelopmentExpenseExcludingAcquiredInProcessCost",
        "ResearchAndDevelopmentExpenseSoftwareExcludingAcquiredInProcessCost",
        "TechnologyAndDevelopmentExpense",
    ),
    "operating_income": ("OperatingIncomeLoss",),
    "purchase_obligations": (
        "PurchaseObligation",
        "UnrecordedUnconditionalPurchaseObligationBalanceSheetAmount",
        "LongTermPurchaseCommitmentAmount",
        "PurchaseObligationAndOtherCommitment",
    ),
    "remaining_performance_obligations": ("RevenueRemainingPerformanceObligation",),
    "backlog": ("ContractWithCustomerBacklog", "OrderBacklog"),
}

# Balances (point-in-time amounts); the rest are flows over a period.
INSTANT_METRICS = frozenset({"purchase_obligations", "remaining_performance_obligations", "backlog"})

CONCEPT_METRIC: dict[str, str] = {c: m for m, cs in METRIC_CONCEPTS.items() for c in cs}
# Higher rank wins a tie inside one filing: earlier in the family = higher.
CONCEPT_RANK: dict[str, int] = {
    c: len(cs) - i for cs in METRIC_CONCEPTS.values() for i, c in enumerate(cs)
}


def metric_of(concept: str) -> str | None:
    """The metric a (possibly prefixed) concept reports, or None."""
    return CONCEPT_METRIC.get(concept.split(":")[-1])
