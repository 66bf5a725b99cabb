"""Partnerships a filing states become PARTNERS_WITH edges with their quotes, outside the price model."""

from __future__ import annotations

from chainshock.graph.audit import REQUIRED_PARTIES
from chainshock.graph.project import FLOW_TYPES
from chainshock.graph.schema import EdgeType, GraphRecords, validate_graph


def test_partnerships_in_development_filings_are_edges_with_evidence(loaded: GraphRecords) -> None:
    partners = {(e.source, e.target): e for e in loaded.edges if e.type == EdgeType.PARTNERS_WITH}
    # dev filings: Microsoft's 10-K and 10-Q (OpenAI), NVIDIA's 10-K (MediaTek, Foxconn)
    ms = partners[("company:microsoft", "company:openai")]
    assert any("strategic partnership" in ev.quote and ev.source_id.startswith("edgar:") for ev in ms.evidence)
    assert ms.properties["relation"] == "partner"
    assert ("company:nvidia", "company:mediatek") in partners
    for e in partners.values():
        assert e.evidence and all(ev.method in ("rule", "model") and ev.quote for ev in e.evidence)


def test_partner_edges_never_carry_prices() -> None:
    # the price and capex models read only the flow types (graph.project.FLOW_TYPES)
    assert "PARTNERS_WITH" not in FLOW_TYPES
    assert REQUIRED_PARTIES["PARTNERS_WITH"] == ("source", "target")


def test_partner_edges_validate(loaded: GraphRecords) -> None:
    from edgar_support import known_records

    known = known_records()
    merged = GraphRecords(nodes=[*known.nodes, *loaded.nodes], edges=[e for e in loaded.edges if e.type == "PARTNERS_WITH"],
                          sources=[*known.sources, *loaded.sources])
    assert merged.edges
    assert not [p for p in validate_graph(merged) if "PARTNERS_WITH" in p.subject or p.subject.startswith("edge")]
