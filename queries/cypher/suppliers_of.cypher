// name: suppliers_of
// question: Who supplies a company directly, with which product and cost share, and on what evidence?
// param: company (string, required): the buyer: an id, ticker or name (company:nvidia, NVDA, NVIDIA)
// returns: one row per supplier edge and piece of evidence
// why: the source is found by its key (`ev.source_id`, the same Source the CITES relationship points at), a primary-key lookup on both engines; matching the CITES relationship made the embedded engine plan a hash join, about 5x slower for this 1-hop query (docs/decisions.md, "Embedded query plans").
// example: chainshock cypher --name suppliers_of --param company=company:nvidia
MATCH (s:Company)-[r:SUPPLIES]->(b:Company {id: $company})
UNWIND CASE WHEN size(r.evidence_ids) = 0 THEN [''] ELSE r.evidence_ids END AS evidence_id
OPTIONAL MATCH (ev:Evidence {id: evidence_id})
OPTIONAL MATCH (src:Source {id: ev.source_id})
RETURN s.id AS supplier, s.name AS supplier_name, r.product AS product,
       r.cost_share_low AS cost_share_low, r.cost_share_base AS cost_share_base,
       r.cost_share_high AS cost_share_high, r.id AS edge,
       src.id AS source_id, src.title AS source_title, coalesce(src.url, src.accession) AS source_ref,
       ev.quote AS quote, ev.as_of AS as_of
ORDER BY cost_share_base DESC, supplier, source_id
