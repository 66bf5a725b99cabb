"""From the load's state to graph records: companies, sources, facts and edges.

Filers the curated data lacks become companies (roles from their SIC code
or name); every document read becomes a source; observations become one
fact per company, metric and fiscal period; relations become SUPPLIES,
INVESTS_IN and PARTNERS_WITH edges that merge with curated ones between the
same pair. Outputs are sorted, so the same inputs give the same records.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from chainshock.graph.resolve import Embedder, Entry, Match, Resolver, default_embedder, slug
from chainshock.graph.schema import (
    Company,
    Edge,
    EdgeType,
    Evidence,
    Fact,
    GraphRecords,
    Role,
    Source,
    edge_id,
)

from .observations import Observation
from .picking import pick
from .state import Progress, _calendar, _resolver, _State, _year_end_for

# SIC code -> role, for filers the curated data does not know.
_SIC_ROLES = [
    (range(3674, 3675), "chip_designer"),
    (range(3570, 3580), "device_maker"),
    (range(3600, 3700), "industrial"),
    (range(3500, 3570), "industrial"),
    (range(1500, 1800), "industrial"),
    (range(4900, 5000), "utility"),
    (range(7370, 7380), "software"),
    (range(5961, 5962), "hyperscaler"),
]
_RELATION_ROLES = {
    "foundry": "foundry",
    "memory_supplier": "memory_producer",
    "contract_manufacturer": "server_maker",
    "assembly_test": "packaging",
}
_NAME_ROLES = {
    "anthropic": "ai_lab", "openai": "ai_lab", "intel": "chip_designer", "rivian-automotive": "device_maker",
    "samsung-electronics": "memory_producer", "sk-hynix": "memory_producer", "micron": "memory_producer",
    "tsmc": "foundry", "foxconn": "server_maker", "wistron": "server_maker", "fabrinet": "server_maker",
    "alphabet": "hyperscaler", "amazon": "hyperscaler", "microsoft": "hyperscaler", "meta-platforms": "hyperscaler",
    "oracle": "hyperscaler", "apple": "device_maker", "nvidia": "chip_designer", "nextera-energy": "utility",
}
# Product categories a curated SUPPLIES edge may carry for a relation found in text.
_COMPATIBLE = {
    "memory_supplier": {"hbm", "dram", "nand", "memory"},
    "foundry": {"wafer", "gpu_accelerator", "custom_accelerator", "advanced_packaging", "foundry"},
    "contract_manufacturer": {"ai_server", "consumer_device", "gpu_accelerator", "server"},
    "assembly_test": {"ai_server", "gpu_accelerator", "advanced_packaging", "server"},
}


def archive_url(cik: str, accession: str, file: str | None) -> str:
    """The sec.gov address of a filing's document (or of its index when the file is unknown).

    >>> archive_url("0001045810", "0001045810-25-000023", "nvda-20250126.htm")
    'https://www.sec.gov/Archives/edgar/data/1045810/000104581025000023/nvda-20250126.htm'
    """
    base = f"https://www.sec.gov/Archives/edgar/data/{int(cik)}/{accession.replace('-', '')}"
    return f"{base}/{file}" if file else f"{base}/{accession}-index.htm"


def _roles_for_sic(sic: str | None) -> tuple[Role, ...]:
    if sic and sic.isdigit():
        for codes, role in _SIC_ROLES:
            if int(sic) in codes:
                return (Role(role),)
    return (Role.industrial,)


def _filer_company(state: _State, cik: str) -> tuple[str, Company | None]:
    """The company id of a filer, and a new Company when ``known`` lacks it."""
    companies = [n for n in state.known.nodes if isinstance(n, Company)]
    for c in companies:
        if c.cik and c.cik == cik:
            return c.id, None
    info = state.filers.get(cik)
    tickers = info.tickers if info else ()
    for c in companies:
        if c.ticker and c.ticker.upper() in {t.upper() for t in tickers}:
            return c.id, None
    cf = state.facts_docs.get(cik)
    docs = [d for d in state.docs.values() if d.cik == cik and d.name]
    name = (info.name if info and info.name else None) or (cf.name if cf and cf.name else None) or (docs[0].name if docs else None)
    if name:
        match = _resolver(state).resolve(name)
        if match.method in ("exact", "alias") and match.id in {c.id for c in companies}:
            return match.id, None
        ident = match.id if match.method == "alias" else f"company:{slug(name)}"
        display = match.name if match.method == "alias" else name
    else:
        ident, display = f"company:cik-{cik}", f"CIK {cik}"
    aliases = tuple(sorted({*(info.former_names if info else ()), *([name] if name and name != display else [])}))
    named_role = _NAME_ROLES.get(ident.split(":", 1)[1])
    company = Company(
        id=ident, name=display, roles=(Role(named_role),) if named_role else _roles_for_sic(info.sic if info else None),
        ticker=tickers[0] if tickers else None, cik=cik, aliases=aliases, resolved=name is not None,
    )
    return ident, company


def _source(state: _State, cik: str, accession: str, filer_name: str) -> Source:
    meta = state.filings.get(accession)
    doc = state.docs.get(accession)
    form = (doc.form if doc and doc.form else None) or (meta.form if meta else None)
    filed = (doc.filed if doc else None) or (meta.filed if meta else None)
    report = (doc.report_date if doc else None) or (meta.report_date if meta else None)
    file = doc.path.name if doc else (meta.primary_document if meta else None)
    when = report or filed
    title = f"{filer_name} {form or 'filing'}" + (f" for {when.isoformat()}" if when else "") + f" ({accession})"
    return Source(
        id=f"edgar:{accession}", kind="filing", title=title, url=archive_url(cik, accession, file),
        publisher="SEC EDGAR", accession=accession, form=form, cik=cik, filed=filed, as_of=report or filed,
    )


def _assemble(state: _State, embedder: Embedder | str | None, report: Progress | None = None,
              model_relations: bool = False) -> GraphRecords:
    out = GraphRecords()
    known_ids = {n.id for n in state.known.nodes}
    new_companies: dict[str, Company] = {}
    filer_ids: dict[str, str] = {}
    ciks = sorted({*state.filers, *state.facts_docs, *(d.cik for d in state.docs.values())})
    for cik in ciks:
        ident, new_company = _filer_company(state, cik)
        filer_ids[cik] = ident
        if new_company is not None and ident not in known_ids:
            new_companies.setdefault(ident, new_company)
    names = {c.id: c.name for c in state.known.nodes if isinstance(c, Company)}
    names.update({c.id: c.name for c in new_companies.values()})

    sources: dict[str, Source] = {}

    def source_for(cik: str, accession: str) -> str:
        sid = f"edgar:{accession}"
        if sid not in sources:
            sources[sid] = _source(state, cik, accession, names.get(filer_ids.get(cik, ""), f"CIK {cik}"))
        return sid

    # Every filing document read (or recorded and skipped for its form) is a source.
    for accession, doc in sorted(state.docs.items()):
        source_for(doc.cik, accession)

    # Facts
    by_cik: dict[str, list[Observation]] = defaultdict(list)
    for o in state.observations:
        by_cik[o.cik].append(o)
    facts: list[Fact] = []
    for cik, obs in sorted(by_cik.items()):
        calendar = _calendar(state, cik)
        company = filer_ids[cik]
        suffix = company.split(":", 1)[1]
        for p in pick(obs, calendar):
            o = p.observation
            evidence = [_fact_evidence(source_for(cik, x.accession), x) for x in (o, *p.others)]
            facts.append(Fact(
                id=f"fact:{suffix}:{p.metric}:{p.fiscal_year}:{p.fiscal_period}",
                company=company, metric=p.metric, fiscal_year=p.fiscal_year, fiscal_period=p.fiscal_period,
                period_start=o.start, period_end=o.end, value=o.value, unit=o.unit,
                source_id=source_for(cik, o.accession), concept=o.concept, evidence=tuple(evidence),
            ))
    for doc, c in state.concentrations:
        if c.fiscal_year is None or doc.report_date is None:
            continue
        company = filer_ids[doc.cik]
        metric = f"{c.label.lower().replace(' ', '_')}_revenue_share"
        fid = f"fact:{company.split(':', 1)[1]}:{metric}:{c.fiscal_year}:{c.fiscal_period}"
        if c.fiscal_period == "FY":
            period_end = _year_end_for(state, doc, c.fiscal_year)
        else:
            # a quarter's shares are stated in that quarter's own 10-Q
            cal = _calendar(state, doc.cik)
            here = (cal.fiscal_year(doc.report_date), cal.fiscal_period(doc.report_date - dt.timedelta(days=90), doc.report_date))
            if here != (c.fiscal_year, c.fiscal_period):
                continue
            period_end = doc.report_date
        sid = source_for(doc.cik, doc.accession)
        facts.append(Fact(
            id=fid, company=company, metric=metric, fiscal_year=c.fiscal_year, fiscal_period=c.fiscal_period,
            period_end=period_end, value=c.share, unit="fraction", source_id=sid,
            concept=f"text:{c.label}",
            evidence=(Evidence(source_id=sid, locator=f"item {c.section} chars {c.sentence.start}-{c.sentence.end}",
                               quote=c.sentence.text[:600], method="text", confidence=0.9,
                               as_of=doc.report_date),),
        ))
    # Same fact id from two documents (a later 10-K restating the share): keep the later filing.
    dedup: dict[str, Fact] = {}
    for f in facts:
        prev = dedup.get(f.id)
        if prev is None or (sources[f.source_id].filed or dt.date.min) > (sources[prev.source_id].filed or dt.date.min):
            if prev is not None:
                f = f.model_copy(update={"evidence": (*f.evidence, *prev.evidence)})
            dedup[f.id] = f
        else:
            dedup[f.id] = prev.model_copy(update={"evidence": (*prev.evidence, *f.evidence)})

    # Edges
    emb: Embedder | None = default_embedder() if embedder == "default" else (embedder if not isinstance(embedder, str) else None)
    resolver = _resolver(state, emb)
    for cid, filer_company in new_companies.items():
        resolver.add(Entry(cid, filer_company.name, filer_company.aliases, filer_company.resolved))
    # every name the edge loop below may resolve, encoded in one batch (with the known names)
    resolver.prefetch(rel.name for _, rel in state.relations if rel.edge_type)
    if emb is not None and model_relations:
        # off by default: over the shared filings it added one evidence row to an
        # existing edge (docs/decisions.md, extraction section)
        _model_pass(state, resolver, emb, filer_ids, report)
    products = {n.id: getattr(n, "category", "") for n in state.known.nodes if n.label == "Product"}
    curated = defaultdict(list)
    for e in state.known.edges:
        curated[(str(e.type), e.source, e.target)].append(e)
    edges: dict[str, Edge] = {}
    ordered = sorted(state.relations, key=lambda dr: (dr[1].relation == "supplier", dr[0].accession, dr[1].sentence.start, dr[1].name))
    for doc, rel in ordered:
        if not rel.edge_type:
            continue  # competitors are extracted and measured, never edges
        filer = filer_ids[doc.cik]
        if resolver.lookup(rel.name.split()[0]) is not None and resolver.lookup(rel.name.split()[0]).id == filer:  # type: ignore[union-attr]
            continue  # the filer's own divisions ("Google Services" in Alphabet's filing)
        match: Match = resolver.resolve(rel.name)
        other = match.id
        if other == filer:
            continue
        if other not in known_ids and other not in new_companies:
            role = _NAME_ROLES.get(other.split(":", 1)[1]) or _RELATION_ROLES.get(rel.relation) or "industrial"
            new_companies[other] = Company(id=other, name=match.name, roles=(Role(role),), resolved=match.resolved,
                                           aliases=tuple(sorted({rel.name} - {match.name})))
            resolver.add(Entry(other, match.name, (rel.name,), match.resolved))
        source, target = (other, filer) if rel.counterparty_supplies else (filer, other)
        ev = Evidence(
            source_id=source_for(doc.cik, doc.accession),
            locator=f"item {rel.section} chars {rel.sentence.start}-{rel.sentence.end}",
            quote=rel.sentence.text[:600], method="model" if rel.method == "model" else "rule", confidence=rel.confidence,
            as_of=doc.report_date or doc.filed or dt.date(1970, 1, 1),
        )
        if rel.relation == "supplier" and rel.product is None:
            # "X, a supplier of ours" adds evidence to a more specific edge between the same pair
            specific = sorted(eid for eid, e in edges.items() if (str(e.type), e.source, e.target) == ("SUPPLIES", source, target))
            if specific:
                target_edge = edges[specific[0]]
                if ev not in target_edge.evidence:
                    edges[specific[0]] = target_edge.model_copy(update={"evidence": (*target_edge.evidence, ev)})
                continue
        props: dict[str, Any] = {"relation": rel.relation}
        qualifier = None
        product_id = _product_id(rel.product, products)
        same = curated.get((rel.edge_type, source, target), [])
        if rel.relation in _COMPATIBLE:
            compatible = [e for e in same if products.get(str(e.properties.get("product")), "") in _COMPATIBLE[rel.relation]
                          or (product_id and e.properties.get("product") == product_id)]
        else:
            # customer, supplier, agreement: any single curated edge between the pair is the one meant
            compatible = same if len(same) == 1 else []
        if rel.edge_type == "SUPPLIES":
            if len(compatible) == 1 and compatible[0].properties.get("product"):
                product_id = str(compatible[0].properties["product"])
            if product_id:
                props["product"] = product_id
                qualifier = product_id
            elif rel.product:
                props["product_text"] = rel.product
            if qualifier is None and not [e for e in same if e.id == edge_id(rel.edge_type, source, target)]:
                qualifier = rel.relation
        eid = edge_id(rel.edge_type, source, target, qualifier)
        if eid in edges:
            existing = edges[eid]
            if ev not in existing.evidence:
                edges[eid] = existing.model_copy(update={"evidence": (*existing.evidence, ev)})
        else:
            edges[eid] = Edge(id=eid, type=EdgeType(rel.edge_type), source=source, target=target, properties=props, evidence=(ev,))

    out.nodes = sorted(new_companies.values(), key=lambda c: c.id)
    out.facts = sorted(dedup.values(), key=lambda f: f.id)
    out.edges = [
        e.model_copy(update={"evidence": tuple(sorted(e.evidence, key=lambda v: (v.source_id, v.locator)))})
        for e in sorted(edges.values(), key=lambda e: e.id)
    ]
    out.sources = sorted(sources.values(), key=lambda s: s.id)
    out.skipped = sorted(state.skipped)
    return out


def _model_pass(state: _State, resolver: Resolver, embedder: Embedder, filer_ids: dict[str, str],
                report: Progress | None = None) -> None:
    """Add embedding-classified relations for sentences the rules left alone."""
    from .relations_model import ModelRelations, extract_model_relations

    model: ModelRelations | None = None
    covered = {(d.accession, r.sentence.start, r.name) for d, r in state.relations}
    texts = sorted(state.texts, key=lambda t: t[0].accession)
    if report is not None:
        report("relations by embeddings", 0, len(texts))
    for k, (doc, text, sections, form) in enumerate(texts, 1):
        filer = filer_ids.get(doc.cik)

        def is_company(name: str) -> bool:
            return resolver.lookup(name) is not None

        def is_filer(name: str, filer: str | None = filer) -> bool:
            match = resolver.lookup(name)
            return match is not None and match.id == filer

        if model is None:
            model = ModelRelations(embedder)
        mine = {(start, name) for acc, start, name in covered if acc == doc.accession}
        found = extract_model_relations(text, sections, form, is_company, is_filer, model, mine)
        state.relations.extend((doc, r) for r in found)
        if report is not None:
            report("relations by embeddings", k, len(texts))


def _product_id(hint: str | None, products: dict[str, str]) -> str | None:
    if not hint:
        return None
    for pid, category in sorted(products.items()):
        if hint in (category, pid.split(":", 1)[1]):
            return pid
    return None


def _fact_evidence(source_id: str, o: Observation) -> Evidence:
    return Evidence(
        source_id=source_id, locator=o.locator, quote=o.quote[:600], method="xbrl" if o.method == "xbrl" else "text",
        confidence=1.0 if o.method == "xbrl" else 0.9, as_of=o.end,
    )
