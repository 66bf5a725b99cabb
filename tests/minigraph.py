"""A small, realistic snapshot built in code for the Cypher tests.

It has every label and relationship type the query library reads: memory
producers and their market shares, a product with a single producer, supply
chains from memory to consumer segments, LTAs and PPAs (one ending soon),
index constituents for KOSPI and TAIEX, capex and backlog facts. Every edge
and fact carries evidence naming a source. Numbers are rounded from public
reports and are here to exercise the queries, not to be quoted.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from chainshock.graph.schema import (
    Company,
    Contract,
    Country,
    Edge,
    Estimate,
    Evidence,
    Fact,
    GraphRecords,
    Index,
    Product,
    Source,
    edge_id,
    validate_graph,
)
from chainshock.graph.snapshot import records_to_tables, write_snapshot

__all__ = ["AS_OF", "mini_records", "write_mini_snapshot"]

AS_OF = dt.date(2025, 9, 30)


def _ev(src: str, quote: str, locator: str = "", as_of: dt.date = AS_OF) -> tuple[Evidence, ...]:
    return (Evidence(source_id=src, quote=quote, locator=locator, as_of=as_of),)


def _est(low: float, base: float, high: float, basis: str) -> Estimate:
    return Estimate(low=low, base=base, high=high, basis=basis)


def mini_records() -> GraphRecords:
    src = [
        Source(id="src:counterpoint-2025-hbm-share", kind="research", title="Counterpoint: HBM market share Q2 2025",
               url="https://www.counterpointresearch.com/insight/hbm-q2-2025", publisher="Counterpoint", as_of=AS_OF),
        Source(id="src:trendforce-2025-dram-share", kind="research", title="TrendForce: DRAM revenue ranking 2Q25",
               url="https://www.trendforce.com/presscenter/news/dram-2q25", publisher="TrendForce", as_of=AS_OF),
        Source(id="src:nvidia-10k-2025", kind="filing", title="NVIDIA Form 10-K FY2025",
               accession="0001045810-25-000023", form="10-K", cik="1045810", filed=dt.date(2025, 2, 26)),
        Source(id="src:microsoft-10k-2025", kind="filing", title="Microsoft Form 10-K FY2025",
               accession="0000950170-25-100235", form="10-K", cik="789019", filed=dt.date(2025, 7, 30)),
        Source(id="src:amazon-10k-2024", kind="filing", title="Amazon Form 10-K 2024",
               accession="0001018724-25-000004", form="10-K", cik="1018724", filed=dt.date(2025, 2, 7)),
        Source(id="src:talen-2025-06-11-amazon-ppa", kind="press_release", title="Talen expands nuclear energy relationship with Amazon",
               url="https://ir.talenenergy.com/news-releases/amazon-ppa-2025", publisher="Talen Energy", as_of=dt.date(2025, 6, 11)),
        Source(id="src:constellation-2024-09-20-crane", kind="press_release", title="Constellation to restart Crane Clean Energy Center for Microsoft",
               url="https://www.constellationenergy.com/news/2024/crane.html", publisher="Constellation", as_of=dt.date(2024, 9, 20)),
        Source(id="src:vertiv-10q-2025q2", kind="filing", title="Vertiv Form 10-Q Q2 2025",
               accession="0001674101-25-000080", form="10-Q", cik="1674101", filed=dt.date(2025, 7, 30)),
        Source(id="src:krx-2025-09-kospi-weights", kind="dataset", title="KRX KOSPI constituent weights September 2025",
               url="https://data.krx.co.kr/kospi-weights-2025-09", publisher="Korea Exchange", as_of=AS_OF),
        Source(id="src:twse-2025-09-taiex-weights", kind="dataset", title="TWSE TAIEX market cap weights September 2025",
               url="https://www.twse.com.tw/taiex-weights-2025-09", publisher="TWSE", as_of=AS_OF),
        Source(id="src:reuters-2025-03-skhynix-lta", kind="article", title="SK Hynix sells out 2026 HBM supply under long-term deals",
               url="https://www.reuters.com/technology/sk-hynix-hbm-2026", publisher="Reuters", as_of=dt.date(2025, 3, 27), reliability="secondary"),
    ]
    countries = [
        Country(id="country:kr", name="South Korea", iso="KR"),
        Country(id="country:tw", name="Taiwan", iso="TW"),
        Country(id="country:us", name="United States", iso="US"),
    ]
    pt = _est(0.3, 0.5, 0.7, "assumed pass-through for tests")
    companies = [
        Company(id="company:sk-hynix", name="SK hynix", roles=("memory_producer",), ticker="000660", exchange="KRX", country="KR",
                cost_base_usd=_est(2.0e10, 2.3e10, 2.6e10, "2024 cost of sales KRW 34tn at 1,400 KRW/USD"), pass_through=pt),
        Company(id="company:samsung", name="Samsung Electronics", roles=("memory_producer", "device_maker"), ticker="005930", exchange="KRX", country="KR",
                cost_base_usd=_est(1.3e11, 1.4e11, 1.5e11, "2024 cost of sales"), pass_through=pt),
        Company(id="company:micron", name="Micron Technology", roles=("memory_producer",), ticker="MU", cik="723125", country="US",
                cost_base_usd=_est(1.7e10, 1.8e10, 1.9e10, "FY2025 cost of goods sold")),
        Company(id="company:tsmc", name="TSMC", roles=("foundry", "packaging"), ticker="2330", exchange="TWSE", country="TW"),
        Company(id="company:nvidia", name="NVIDIA", roles=("chip_designer",), ticker="NVDA", cik="1045810", country="US",
                cost_base_usd=_est(3.0e10, 3.26e10, 3.5e10, "FY2025 cost of revenue $32.6bn"), pass_through=pt),
        Company(id="company:hon-hai", name="Hon Hai Precision (Foxconn)", roles=("server_maker",), ticker="2317", exchange="TWSE", country="TW",
                cost_base_usd=_est(1.9e11, 2.0e11, 2.1e11, "2024 cost of revenue")),
        Company(id="company:supermicro", name="Super Micro Computer", roles=("server_maker",), ticker="SMCI", cik="1375365", country="US",
                cost_base_usd=_est(1.8e10, 1.9e10, 2.0e10, "FY2025 cost of sales")),
        Company(id="company:microsoft", name="Microsoft", roles=("hyperscaler", "software"), ticker="MSFT", cik="789019", country="US",
                cost_base_usd=_est(8.0e10, 8.8e10, 9.5e10, "FY2025 cost of revenue")),
        Company(id="company:amazon", name="Amazon", roles=("hyperscaler",), ticker="AMZN", cik="1018724", country="US"),
        Company(id="company:apple", name="Apple", roles=("device_maker",), ticker="AAPL", cik="320193", country="US",
                cost_base_usd=_est(2.1e11, 2.2e11, 2.3e11, "FY2025 cost of sales")),
        Company(id="company:openai", name="OpenAI", roles=("ai_lab",), country="US"),
        Company(id="company:talen", name="Talen Energy", roles=("utility",), ticker="TLN", cik="1622536", country="US"),
        Company(id="company:constellation", name="Constellation Energy", roles=("utility",), ticker="CEG", cik="1868275", country="US"),
        Company(id="company:vertiv", name="Vertiv", roles=("industrial",), ticker="VRT", cik="1674101", country="US"),
        Company(id="company:smartphone-buyers", name="Smartphone buyers", roles=("consumer_segment",), segment=True),
        Company(id="company:saas-developers", name="SaaS developers", roles=("consumer_segment", "software"), segment=True),
    ]
    products = [
        Product(id="product:hbm", name="High-bandwidth memory", category="hbm"),
        Product(id="product:dram", name="DRAM", category="dram"),
        Product(id="product:nand", name="NAND flash", category="nand"),
        Product(id="product:cowos", name="CoWoS advanced packaging", category="advanced_packaging"),
        Product(id="product:gpu-accelerator", name="GPU accelerators", category="gpu_accelerator"),
        Product(id="product:ai-server", name="AI servers", category="ai_server"),
        Product(id="product:cloud-compute", name="Cloud compute", category="cloud_compute"),
        Product(id="product:electricity", name="Electricity", category="electricity"),
        Product(id="product:power-equipment", name="Power and cooling equipment", category="power_equipment"),
        Product(id="product:consumer-device", name="Smartphones", category="consumer_device"),
        Product(id="product:ai-model-api", name="AI model APIs", category="ai_model_api"),
    ]
    contracts = [
        Contract(id="contract:amazon-talen-susquehanna-2025", name="Amazon-Talen Susquehanna PPA", kind="ppa",
                 announced=dt.date(2025, 6, 11), start=dt.date(2025, 6, 11), end=dt.date(2042, 12, 31), capacity_mw=1920,
                 value_usd=_est(1.5e10, 1.8e10, 2.0e10, "1,920 MW at an assumed $55-65/MWh over 17 years"),
                 description="1,920 MW of carbon-free power from the Susquehanna nuclear plant",
                 evidence=_ev("src:talen-2025-06-11-amazon-ppa", "Talen will supply 1,920 megawatts of carbon-free electricity to Amazon")),
        Contract(id="contract:microsoft-constellation-crane-2024", name="Microsoft-Constellation Crane PPA", kind="ppa",
                 announced=dt.date(2024, 9, 20), start=dt.date(2028, 1, 1), end=dt.date(2048, 12, 31), capacity_mw=835,
                 evidence=_ev("src:constellation-2024-09-20-crane", "a 20-year power purchase agreement with Microsoft")),
        Contract(id="contract:nvidia-skhynix-hbm-lta-2025", name="SK hynix HBM supply for NVIDIA 2026", kind="lta",
                 announced=dt.date(2025, 3, 27), start=dt.date(2025, 1, 1), end=dt.date(2026, 6, 30),
                 evidence=_ev("src:reuters-2025-03-skhynix-lta", "SK Hynix said its HBM supply for 2026 is sold out under long-term agreements")),
    ]
    indexes = [
        Index(id="index:kospi", name="KOSPI", weighting="cap", country="KR"),
        Index(id="index:taiex", name="TAIEX", weighting="cap", country="TW"),
    ]

    edges: list[Edge] = []

    def edge(type_: str, s: str, t: str, ev: tuple[Evidence, ...], qualifier: str | None = None, **props: object) -> None:
        edges.append(Edge(id=edge_id(type_, s, t, qualifier), type=type_, source=s, target=t, properties=props, evidence=ev))

    cp = "src:counterpoint-2025-hbm-share"
    tf = "src:trendforce-2025-dram-share"
    edge("PRODUCES", "company:sk-hynix", "product:hbm", _ev(cp, "SK hynix led with a 62% share"), market_share=_est(0.57, 0.62, 0.64, "Counterpoint Q2-2025 shipments"))
    edge("PRODUCES", "company:micron", "product:hbm", _ev(cp, "Micron 21%"), market_share=_est(0.19, 0.21, 0.23, "Counterpoint Q2-2025 shipments"))
    edge("PRODUCES", "company:samsung", "product:hbm", _ev(cp, "Samsung 17%"), market_share=_est(0.15, 0.17, 0.22, "Counterpoint Q2-2025 shipments"))
    edge("PRODUCES", "company:samsung", "product:dram", _ev(tf, "Samsung 33.7% of DRAM revenue"), market_share=_est(0.32, 0.337, 0.35, "TrendForce 2Q25 revenue"))
    edge("PRODUCES", "company:sk-hynix", "product:dram", _ev(tf, "SK hynix 38.7%"), market_share=_est(0.36, 0.387, 0.40, "TrendForce 2Q25 revenue"))
    edge("PRODUCES", "company:micron", "product:dram", _ev(tf, "Micron 22%"), market_share=_est(0.20, 0.22, 0.24, "TrendForce 2Q25 revenue"))
    edge("PRODUCES", "company:samsung", "product:nand", _ev(tf, "Samsung 32% of NAND"), market_share=_est(0.30, 0.32, 0.34, "TrendForce 2Q25 NAND revenue"))
    edge("PRODUCES", "company:sk-hynix", "product:nand", _ev(tf, "SK group 21%"), market_share=_est(0.19, 0.21, 0.23, "TrendForce 2Q25 NAND revenue"))
    edge("PRODUCES", "company:micron", "product:nand", _ev(tf, "Micron 14%"), market_share=_est(0.12, 0.14, 0.16, "TrendForce 2Q25 NAND revenue"))
    edge("PRODUCES", "company:tsmc", "product:cowos", _ev(tf, "TSMC dominates CoWoS capacity"), market_share=_est(0.85, 0.9, 0.95, "TrendForce CoWoS capacity"))
    # Producers without a share estimate: the HHI is unknown, not zero.
    edge("PRODUCES", "company:talen", "product:electricity", _ev("src:talen-2025-06-11-amazon-ppa", "Talen generates power"))
    edge("PRODUCES", "company:constellation", "product:electricity", _ev("src:constellation-2024-09-20-crane", "nuclear generation"))
    edge("PRODUCES", "company:nvidia", "product:gpu-accelerator", _ev("src:nvidia-10k-2025", "Data Center revenue of $115.2 billion"),
         market_share=_est(0.75, 0.8, 0.9, "analyst range for AI accelerator share"))

    nv = "src:nvidia-10k-2025"
    ms = "src:microsoft-10k-2025"
    edge("SUPPLIES", "company:sk-hynix", "company:nvidia", _ev(cp, "SK hynix is the main HBM supplier to Nvidia"), "product:hbm",
         product="product:hbm", cost_share=_est(0.12, 0.16, 0.2, "HBM is ~45% of an accelerator's BOM; SK hynix ~60% of it"))
    edge("SUPPLIES", "company:micron", "company:nvidia", _ev(cp, "Micron's HBM3E qualified for Nvidia's Blackwell"), "product:hbm",
         product="product:hbm", cost_share=_est(0.04, 0.06, 0.08, "Micron ~20% of Nvidia HBM"))
    edge("SUPPLIES", "company:samsung", "company:nvidia", _ev(cp, "Samsung passed Nvidia HBM3E qualification"), "product:hbm", product="product:hbm")
    edge("SUPPLIES", "company:tsmc", "company:nvidia", _ev(nv, "We utilize foundries, such as TSMC"), "product:cowos",
         product="product:cowos", cost_share=_est(0.08, 0.1, 0.14, "wafer and CoWoS ~10% of accelerator cost"))
    edge("SUPPLIES", "company:nvidia", "company:hon-hai", _ev(nv, "our partners build systems"), "product:gpu-accelerator",
         product="product:gpu-accelerator", cost_share=_est(0.5, 0.6, 0.7, "GPUs ~60% of an AI server's cost"))
    edge("SUPPLIES", "company:nvidia", "company:supermicro", _ev(nv, "Customer sales through system integrators"), "product:gpu-accelerator",
         product="product:gpu-accelerator", cost_share=_est(0.55, 0.65, 0.75, "GPUs ~65% of Supermicro server cost"))
    edge("SUPPLIES", "company:hon-hai", "company:microsoft", _ev(ms, "servers from contract manufacturers"), "product:ai-server",
         product="product:ai-server", capex_share=_est(0.1, 0.15, 0.2, "share of Microsoft capex on servers from Foxconn"))
    edge("SUPPLIES", "company:hon-hai", "company:amazon", _ev("src:amazon-10k-2024", "servers and networking equipment"), "product:ai-server",
         product="product:ai-server", capex_share=_est(0.05, 0.1, 0.15, "assumed"))
    edge("SUPPLIES", "company:supermicro", "company:microsoft", _ev(ms, "AI infrastructure purchases"), "product:ai-server",
         product="product:ai-server", capex_share=_est(0.02, 0.05, 0.08, "assumed"))
    edge("SUPPLIES", "company:microsoft", "company:openai", _ev(ms, "Azure is OpenAI's exclusive cloud provider"), "product:cloud-compute",
         product="product:cloud-compute", cost_share=_est(0.4, 0.5, 0.6, "compute ~50% of OpenAI's costs"))
    edge("SUPPLIES", "company:openai", "company:saas-developers", _ev(ms, "developers build on OpenAI APIs"), "product:ai-model-api",
         product="product:ai-model-api", cost_share=_est(0.05, 0.1, 0.2, "API spend as a share of SaaS COGS"))
    edge("SUPPLIES", "company:samsung", "company:apple", _ev(tf, "Samsung supplies iPhone DRAM"), "product:dram",
         product="product:dram", cost_share=_est(0.02, 0.03, 0.04, "Samsung ~half of iPhone DRAM"))
    edge("SUPPLIES", "company:sk-hynix", "company:apple", _ev(tf, "SK hynix supplies iPhone DRAM"), "product:dram", product="product:dram")
    edge("SUPPLIES", "company:apple", "company:smartphone-buyers", _ev(tf, "iPhone sales"), "product:consumer-device",
         product="product:consumer-device", cost_share=_est(0.8, 0.9, 1.0, "device price is the buyer's cost"))
    edge("SUPPLIES", "company:samsung", "company:smartphone-buyers", _ev(tf, "Galaxy sales"), "product:consumer-device",
         product="product:consumer-device", cost_share=_est(0.0, 0.05, 0.1, "Samsung phones bought by segment"))
    edge("SUPPLIES", "company:talen", "company:amazon", _ev("src:talen-2025-06-11-amazon-ppa", "supply 1,920 megawatts"), "product:electricity",
         product="product:electricity")
    edge("SUPPLIES", "company:constellation", "company:microsoft", _ev("src:constellation-2024-09-20-crane", "Microsoft will purchase energy"),
         "product:electricity", product="product:electricity")
    edge("SUPPLIES", "company:vertiv", "company:microsoft", _ev("src:vertiv-10q-2025q2", "hyperscale customers"), "product:power-equipment",
         product="product:power-equipment", capex_share=_est(0.01, 0.02, 0.03, "assumed"))

    edge("USES", "company:apple", "product:dram", _ev(tf, "memory is a growing share of smartphone BOM"), cost_share=_est(0.05, 0.06, 0.08, "DRAM ~6% of iPhone BOM"))
    edge("USES", "company:apple", "product:nand", _ev(tf, "NAND storage"), cost_share=_est(0.03, 0.04, 0.05, "NAND ~4% of iPhone BOM"))
    edge("USES", "company:nvidia", "product:hbm", _ev(cp, "HBM is the most expensive component"), cost_share=_est(0.02, 0.03, 0.04, "HBM bought beyond named suppliers"))
    edge("USES", "company:supermicro", "product:dram", _ev(tf, "server DRAM"), cost_share=_est(0.05, 0.08, 0.1, "DDR5 in servers"))
    edge("USES", "company:microsoft", "product:electricity", _ev(ms, "datacenter energy"), cost_share=_est(0.03, 0.05, 0.07, "power ~5% of cloud cost"))

    for c, kx in (("company:amazon", "contract:amazon-talen-susquehanna-2025"), ("company:microsoft", "contract:microsoft-constellation-crane-2024"),
                  ("company:nvidia", "contract:nvidia-skhynix-hbm-lta-2025")):
        edge("PARTY_TO", c, kx, _ev("src:reuters-2025-03-skhynix-lta" if "hbm" in kx else "src:talen-2025-06-11-amazon-ppa", "buyer party"), role="buyer")
    for c, kx in (("company:talen", "contract:amazon-talen-susquehanna-2025"), ("company:constellation", "contract:microsoft-constellation-crane-2024"),
                  ("company:sk-hynix", "contract:nvidia-skhynix-hbm-lta-2025")):
        edge("PARTY_TO", c, kx, _ev("src:reuters-2025-03-skhynix-lta" if "hbm" in kx else "src:constellation-2024-09-20-crane", "seller party"), role="seller")
    edge("COVERS", "contract:amazon-talen-susquehanna-2025", "product:electricity", _ev("src:talen-2025-06-11-amazon-ppa", "fixed price"),
         fixed_share=_est(0.1, 0.15, 0.2, "1.9 GW of Amazon's US load"), price_terms="fixed", volume="1920 MW")
    edge("COVERS", "contract:microsoft-constellation-crane-2024", "product:electricity", _ev("src:constellation-2024-09-20-crane", "20-year PPA"),
         fixed_share=_est(0.03, 0.05, 0.08, "835 MW of Microsoft's load"), price_terms="fixed", volume="835 MW")
    edge("COVERS", "contract:nvidia-skhynix-hbm-lta-2025", "product:hbm", _ev("src:reuters-2025-03-skhynix-lta", "prices set for 2026"),
         fixed_share=_est(0.4, 0.6, 0.7, "SK hynix share of Nvidia's HBM at agreed prices"), price_terms="fixed")

    kx = "src:krx-2025-09-kospi-weights"
    tw = "src:twse-2025-09-taiex-weights"
    for c, idx, w, src_ in (("company:samsung", "index:kospi", 0.22, kx), ("company:sk-hynix", "index:kospi", 0.12, kx),
                            ("company:tsmc", "index:taiex", 0.41, tw), ("company:hon-hai", "index:taiex", 0.05, tw)):
        edge("CONSTITUENT_OF", c, idx, _ev(src_, f"weight {w:.0%}"), weight=_est(w * 0.95, w, w * 1.05, "exchange weight file"), as_of=AS_OF.isoformat())
    for c, country in (("company:sk-hynix", "country:kr"), ("company:samsung", "country:kr"), ("company:tsmc", "country:tw"),
                       ("company:hon-hai", "country:tw"), ("company:nvidia", "country:us")):
        edge("LOCATED_IN", c, country, _ev(tf, "headquartered"))
    edge("INVESTS_IN", "company:microsoft", "company:openai", _ev(ms, "investment in OpenAI"),
         amount_usd=_est(1.3e10, 1.375e10, 1.4e10, "total funding commitments"), stake=_est(0.25, 0.27, 0.3, "reported stake after recapitalisation"))

    facts = [
        Fact(id="fact:microsoft:capex:2024:FY", company="company:microsoft", metric="capex", fiscal_year=2024, period_end=dt.date(2024, 6, 30),
             value=4.4477e10, source_id=ms, concept="PaymentsToAcquirePropertyPlantAndEquipment",
             evidence=_ev(ms, "Additions to property and equipment (44,477)", "us-gaap:PaymentsToAcquirePropertyPlantAndEquipment FY2024")),
        Fact(id="fact:microsoft:capex:2025:FY", company="company:microsoft", metric="capex", fiscal_year=2025, period_end=dt.date(2025, 6, 30),
             value=6.4551e10, source_id=ms, concept="PaymentsToAcquirePropertyPlantAndEquipment",
             evidence=_ev(ms, "Additions to property and equipment (64,551)", "us-gaap:PaymentsToAcquirePropertyPlantAndEquipment FY2025")),
        Fact(id="fact:amazon:capex:2024:FY", company="company:amazon", metric="capex", fiscal_year=2024, period_end=dt.date(2024, 12, 31),
             value=8.2999e10, source_id="src:amazon-10k-2024", concept="PaymentsToAcquireProductiveAssets",
             evidence=_ev("src:amazon-10k-2024", "Purchases of property and equipment (82,999)")),
        Fact(id="fact:vertiv:rpo:2025:Q2", company="company:vertiv", metric="remaining_performance_obligations", fiscal_year=2025,
             fiscal_period="Q2", period_end=dt.date(2025, 6, 30), value=8.5e9, source_id="src:vertiv-10q-2025q2",
             evidence=_ev("src:vertiv-10q-2025q2", "backlog of $8.5 billion")),
        Fact(id="fact:vertiv:rpo:2024:FY", company="company:vertiv", metric="remaining_performance_obligations", fiscal_year=2024,
             period_end=dt.date(2024, 12, 31), value=7.2e9, source_id="src:vertiv-10q-2025q2",
             evidence=_ev("src:vertiv-10q-2025q2", "backlog of $7.2 billion at year end")),
        Fact(id="fact:nvidia:revenue:2025:FY", company="company:nvidia", metric="revenue", fiscal_year=2025, period_end=dt.date(2025, 1, 26),
             value=1.30497e11, source_id=nv, evidence=_ev(nv, "Revenue $130,497 million")),
    ]
    records = GraphRecords(nodes=[*countries, *companies, *products, *contracts, *indexes], edges=edges, facts=facts, sources=src)
    problems = validate_graph(records)
    if problems:
        raise AssertionError("mini graph is invalid: " + "; ".join(map(str, problems)))
    return records


def write_mini_snapshot(path: Path) -> Path:
    """Write the mini graph as a snapshot at ``path``; return ``path``."""
    write_snapshot(records_to_tables(mini_records()), path)
    return path
