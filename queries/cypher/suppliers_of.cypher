// name: suppliers_of
// question: Who supplies a company directly, with which product and cost share, and on what evidence?
// param: company (string, required): the buyer: an id, ticker or name (company:nvidia, NVDA, NVIDIA)
// returns: one row per supplier edge and piece of evidence (a built snapshot has no edge without evidence and no evidence without its source; `unsupported_edges` lists edges without evidence)
// why: the evidence and its source are found by key with MATCH, not OPTIONAL MATCH: the embedded engine plans an OPTIONAL MATCH as a hash join over a distinct-key aggregate, about 0.45 ms per lookup here, and a MATCH by key as an index lookup per row. The source is found by `ev.source_id` (the Source the CITES relationship points at): matching CITES made the engine scan (docs/decisions.md, "Embedded engine, fourth pass").
// example: chainshock cypher --name suppliers_of --param company=company:nvidia
MATCH (s:Company)-[r:SUPPLIES]->(b:Company {id: $company})
UNWIND r.evidence_ids AS evidence_id
MATCH (ev:Evidence {id: evidence_id})
MATCH (src:Source {id: ev.source_id})
RETURN s.id AS supplier, s.name AS supplier_name, r.product AS product,
       r.cost_share_low AS cost_share_low, r.cost_share_base AS cost_share_base,
       r.cost_share_high AS cost_share_high, r.id AS edge,
       src.id AS source_id, src.title AS source_title, coalesce(src.url, src.accession) AS source_ref,
       ev.quote AS quote, ev.as_of AS as_of
ORDER BY cost_share_base DESC, supplier, source_id
