"""Synthetic supply-chain graphs of any size, for benchmarks and view tests.

The curated dataset holds a few hundred nodes; the view must stay usable at
thousands. :func:`synthetic_records` builds a graph shaped like the real one
(tiers, roles, products, contracts, indexes, facts, evidence on every edge
and fact, sources with accessions or URLs) with ``n_nodes`` nodes, from a
seed, so a benchmark run is repeatable. Every name says ``Synthetic``: these
records are never mixed into a real snapshot.

Examples
--------
>>> rec = synthetic_records(60, seed=1)
>>> len(rec.nodes)
60
>>> from chainshock.graph.schema import EdgeType
>>> from chainshock.graph.validate import validate_graph
>>> validate_graph(rec)
[]
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Literal

from chainshock.graph.schema import (
    Company,
    Contract,
    Edge,
    EdgeType,
    Estimate,
    Evidence,
    Fact,
    GraphRecords,
    Index,
    Node,
    Product,
    Role,
    Source,
    edge_id,
)

__all__ = ["synthetic_records"]

# Share of companies per role, roughly the curated graph's mix.
_ROLE_MIX: tuple[tuple[Role, float], ...] = (
    (Role.memory_producer, 0.08),
    (Role.chip_designer, 0.10),
    (Role.foundry, 0.03),
    (Role.packaging, 0.03),
    (Role.server_maker, 0.10),
    (Role.hyperscaler, 0.06),
    (Role.neocloud, 0.04),
    (Role.industrial, 0.10),
    (Role.utility, 0.08),
    (Role.software, 0.18),
    (Role.ai_lab, 0.04),
    (Role.device_maker, 0.10),
    (Role.consumer_segment, 0.06),
)
# What each role sells, and which roles buy from it.
_SELLS = {
    Role.memory_producer: "product:hbm",
    Role.chip_designer: "product:gpu-accelerator",
    Role.foundry: "product:wafer",
    Role.packaging: "product:advanced-packaging",
    Role.server_maker: "product:ai-server",
    Role.hyperscaler: "product:cloud-compute",
    Role.neocloud: "product:cloud-compute",
    Role.industrial: "product:power-equipment",
    Role.utility: "product:electricity",
    Role.software: "product:saas",
    Role.ai_lab: "product:ai-model-api",
    Role.device_maker: "product:consumer-device",
}
_BUYERS = {
    Role.memory_producer: (Role.chip_designer, Role.device_maker, Role.server_maker),
    Role.foundry: (Role.chip_designer,),
    Role.packaging: (Role.chip_designer,),
    Role.chip_designer: (Role.server_maker, Role.hyperscaler),
    Role.server_maker: (Role.hyperscaler, Role.neocloud),
    Role.industrial: (Role.hyperscaler, Role.neocloud, Role.utility),
    Role.utility: (Role.hyperscaler, Role.neocloud),
    Role.hyperscaler: (Role.software, Role.ai_lab),
    Role.neocloud: (Role.ai_lab, Role.software),
    Role.ai_lab: (Role.software,),
    Role.software: (Role.consumer_segment,),
    Role.device_maker: (Role.consumer_segment,),
}
_PRODUCTS = (
    ("product:hbm", "HBM", "hbm"),
    ("product:gpu-accelerator", "GPU accelerators", "gpu_accelerator"),
    ("product:wafer", "Wafers", "wafer"),
    ("product:advanced-packaging", "Advanced packaging", "advanced_packaging"),
    ("product:ai-server", "AI servers", "ai_server"),
    ("product:cloud-compute", "Cloud compute", "cloud_compute"),
    ("product:power-equipment", "Power equipment", "power_equipment"),
    ("product:electricity", "Electricity", "electricity"),
    ("product:saas", "SaaS", "saas"),
    ("product:ai-model-api", "AI model APIs", "ai_model_api"),
    ("product:consumer-device", "Consumer devices", "consumer_device"),
)
_AS_OF = dt.date(2025, 9, 30)


def _estimate(rng: random.Random, base: float, basis: str) -> Estimate:
    spread = base * rng.uniform(0.1, 0.4)
    return Estimate(
        low=round(max(0.0, base - spread), 4),
        base=round(base, 4),
        high=round(min(1.0, base + spread), 4),
        basis=basis,
    )


def synthetic_records(n_nodes: int, seed: int = 0) -> GraphRecords:
    """A valid, tiered graph with exactly ``n_nodes`` nodes.

    About 2.2 edges per node; every edge and fact has evidence naming a
    filing (accession and CIK) or a web source (URL).

    Parameters
    ----------
    n_nodes : int
        Total nodes (companies, products, contracts, indexes); at least 20.
    seed : int
        Seed of the generator: equal seeds give equal graphs.

    Returns
    -------
    GraphRecords
    """
    if n_nodes < 20:
        raise ValueError("a synthetic graph needs at least 20 nodes")
    rng = random.Random(seed)
    sources = [
        Source(
            id=f"src:synthetic-10k-{i}",
            kind="filing",
            title=f"Synthetic Co {i} Form 10-K",
            accession=f"{1000000 + i:010d}-25-{i:06d}",
            cik=f"{1000000 + i}",
            form="10-K",
            filed=dt.date(2025, 2, 1),
        )
        for i in range(8)
    ] + [
        Source(
            id=f"src:synthetic-web-{i}",
            kind="article",
            title=f"Synthetic industry note {i}",
            url=f"https://example.org/synthetic/{i}",
            publisher="Example",
            as_of=_AS_OF,
            reliability="secondary",
        )
        for i in range(8)
    ]

    def evidence() -> tuple[Evidence, ...]:
        src = rng.choice(sources)
        return (
            Evidence(
                source_id=src.id,
                locator="synthetic",
                quote=f"Synthetic quote {rng.randrange(10**6)} supporting this relationship.",
                method="curated",
                as_of=_AS_OF,
            ),
        )

    nodes: list[Node] = [Product(id=pid, name=name, category=cat) for pid, name, cat in _PRODUCTS]
    indexes = [
        Index(id="index:kospi", name="KOSPI", weighting="cap", country="KR"),
        Index(id="index:sp500", name="S&P 500", weighting="cap", country="US"),
    ]
    nodes.extend(indexes)
    n_contracts = max(1, n_nodes // 40)
    n_companies = n_nodes - len(nodes) - n_contracts
    by_role: dict[Role, list[Company]] = {role: [] for role, _ in _ROLE_MIX}
    companies: list[Company] = []
    for i in range(n_companies):
        # Deterministic share by role; the first companies cover every role.
        role = _ROLE_MIX[i % len(_ROLE_MIX)][0] if i < len(_ROLE_MIX) else rng.choices(
            [r for r, _ in _ROLE_MIX], weights=[w for _, w in _ROLE_MIX]
        )[0]
        company = Company(
            id=f"company:synthetic-{i}",
            name=f"Synthetic {role.value.replace('_', ' ')} {i}",
            roles=(role,),
            ticker=f"SY{i}",
        )
        companies.append(company)
        by_role[role].append(company)
    nodes.extend(companies)

    edges: list[Edge] = []
    facts: list[Fact] = []
    seen: set[str] = set()

    def add(edge: Edge) -> None:
        if edge.id not in seen:
            seen.add(edge.id)
            edges.append(edge)

    listed = {
        idx.id: sum(
            len(by_role[r])
            for r in ((Role.memory_producer,) if idx.id == "index:kospi" else (Role.hyperscaler, Role.chip_designer, Role.server_maker))
        )
        for idx in indexes
    }
    for company in companies:
        role = Role(company.roles[0])
        product = _SELLS.get(role)
        if product:
            add(
                Edge(
                    id=edge_id("PRODUCES", company.id, product),
                    type=EdgeType.PRODUCES,
                    source=company.id,
                    target=product,
                    properties={"market_share": _estimate(rng, 0.45 / max(1, len(by_role[role])), "synthetic")},
                    evidence=evidence(),
                )
            )
        buyers = [b for r in _BUYERS.get(role, ()) for b in by_role[r]]
        for buyer in rng.sample(buyers, min(len(buyers), 2)):
            add(
                Edge(
                    id=edge_id("SUPPLIES", company.id, buyer.id, product),
                    type=EdgeType.SUPPLIES,
                    source=company.id,
                    target=buyer.id,
                    properties={
                        "product": product,
                        "cost_share": _estimate(rng, rng.uniform(0.01, 0.08), "synthetic share"),
                    },
                    evidence=evidence(),
                )
            )
        if role in (Role.hyperscaler, Role.memory_producer, Role.chip_designer, Role.server_maker):
            index = indexes[0] if role is Role.memory_producer else indexes[1]
            add(
                Edge(
                    id=edge_id("CONSTITUENT_OF", company.id, index.id),
                    type=EdgeType.CONSTITUENT_OF,
                    source=company.id,
                    target=index.id,
                    properties={"weight": _estimate(rng, 0.6 / max(1, listed[index.id]), "synthetic weight")},
                    evidence=evidence(),
                )
            )
        src = rng.choice(sources[:8])
        for year in (2023, 2024, 2025):
            facts.append(
                Fact(
                    id=f"fact:{company.id}:capex:{year}",
                    company=company.id,
                    metric="capex",
                    fiscal_year=year,
                    period_end=dt.date(year, 12, 31),
                    value=float(rng.randrange(1, 900)) * 1e8,
                    source_id=src.id,
                    evidence=(
                        Evidence(source_id=src.id, locator="XBRL PaymentsToAcquirePropertyPlantAndEquipment", as_of=dt.date(year, 12, 31), method="xbrl"),
                    ),
                )
            )
    buyers_pool = by_role[Role.hyperscaler] or companies
    sellers_pool = by_role[Role.utility] or companies
    for i in range(n_contracts):
        buyer, seller = rng.choice(buyers_pool), rng.choice(sellers_pool)
        kind: Literal["ppa", "lta"] = "ppa" if i % 2 == 0 else "lta"
        contract = Contract(
            id=f"contract:synthetic-{i}",
            name=f"Synthetic {kind.upper()} {i}",
            kind=kind,
            start=dt.date(2025, 1, 1),
            end=dt.date(2027 + i % 4, 12, 31),
        )
        nodes.append(contract)
        for party, prole in ((buyer, "buyer"), (seller, "seller")):
            add(
                Edge(
                    id=edge_id("PARTY_TO", party.id, contract.id),
                    type=EdgeType.PARTY_TO,
                    source=party.id,
                    target=contract.id,
                    properties={"role": prole},
                    evidence=evidence(),
                )
            )
        add(
            Edge(
                id=edge_id("COVERS", contract.id, "product:electricity" if kind == "ppa" else "product:hbm"),
                type=EdgeType.COVERS,
                source=contract.id,
                target="product:electricity" if kind == "ppa" else "product:hbm",
                properties={"fixed_share": _estimate(rng, 0.3, "synthetic"), "price_terms": "fixed"},
                evidence=evidence(),
            )
        )
    return GraphRecords(nodes=nodes, edges=edges, facts=facts, sources=sources)
