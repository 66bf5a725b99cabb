import datetime as dt

from chainshock.graph.merge import merge_records
from chainshock.graph.schema import Edge, Evidence, Fact, GraphRecords

D = dt.date(2025, 12, 31)
CURATED = Evidence(source_id="src:press", quote="capex was $91.4 billion", as_of=D)
FILED = Evidence(source_id="edgar:1", quote="PaymentsToAcquirePropertyPlantAndEquipment", method="xbrl", as_of=D)


def fact(fid: str, value: float, ev: Evidence, **kw) -> Fact:
    return Fact(id=fid, company="company:alphabet", metric="capex", fiscal_year=2025, period_end=D,
                value=value, source_id=ev.source_id, evidence=(ev,), **kw)


def test_filed_fact_absorbs_the_curated_copy():
    base = GraphRecords(facts=[fact("fact:alphabet:capex:2025:FY:curated", 91.4e9, CURATED)])
    extra = GraphRecords(facts=[fact("fact:alphabet:capex:2025:FY", 91.4e9, FILED)])
    merged = merge_records(base, extra)
    assert [f.id for f in merged.facts] == ["fact:alphabet:capex:2025:FY"]
    assert [ev.source_id for ev in merged.facts[0].evidence] == ["edgar:1", "src:press"]
    assert merged.facts[0].source_id == "edgar:1"


def test_disagreeing_values_are_both_kept():
    base = GraphRecords(facts=[fact("fact:a:curated", 90e9, CURATED)])
    extra = GraphRecords(facts=[fact("fact:a:filed", 91.4e9, FILED)])
    assert {f.id for f in merge_records(base, extra).facts} == {"fact:a:curated", "fact:a:filed"}


def test_edge_found_in_both_keeps_curated_properties_and_gains_evidence():
    curated = Edge(id="e", type="SUPPLIES", source="company:a", target="company:b",
                   properties={"cost_share": {"low": 0.1, "base": 0.2, "high": 0.3, "basis": "judgement"}},
                   evidence=(CURATED,))
    filed = Edge(id="e", type="SUPPLIES", source="company:a", target="company:b",
                 properties={"relation": "memory_supplier"}, evidence=(FILED,))
    merged = merge_records(GraphRecords(edges=[curated]), GraphRecords(edges=[filed]))
    [edge] = merged.edges
    assert edge.properties["cost_share"]["base"] == 0.2
    assert edge.properties["relation"] == "memory_supplier"
    assert [ev.source_id for ev in edge.evidence] == ["src:press", "edgar:1"]


def test_a_filing_cited_twice_becomes_one_source():
    from chainshock.graph.schema import Source

    curated_src = Source(id="src:nvda-10k", kind="filing", title="NVIDIA 10-K", accession="0001045810-25-000023")
    filed_src = Source(id="edgar:0001045810-25-000023", kind="filing", title="10-K", accession="0001045810-25-000023")
    ev = Evidence(source_id="edgar:0001045810-25-000023", quote="We purchase memory from SK Hynix Inc.", as_of=D)
    edge = Edge(id="e2", type="SUPPLIES", source="company:a", target="company:b", evidence=(ev,))
    merged = merge_records(GraphRecords(sources=[curated_src]), GraphRecords(sources=[filed_src], edges=[edge]))
    assert [s.id for s in merged.sources] == ["src:nvda-10k"]
    assert merged.edges[0].evidence[0].source_id == "src:nvda-10k"
