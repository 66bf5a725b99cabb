// name: customers_of
// question: Who buys from a company directly, what, and what share of the supplier's revenue or the buyer's capex it is?
// param: company (string, required): the supplier's id, e.g. company:sk-hynix
// returns: one row per customer edge and piece of evidence (a built snapshot has no edge without evidence; `unsupported_edges` lists any)
// why: the evidence is found by key with MATCH, not OPTIONAL MATCH, which the embedded engine plans as a hash join (docs/decisions.md, "Embedded engine, fourth pass").
// example: chainshock cypher --name customers_of --param company=company:sk-hynix
MATCH (s:Company {id: $company})-[r:SUPPLIES]->(b:Company)
UNWIND r.evidence_ids AS evidence_id
MATCH (ev:Evidence {id: evidence_id})
RETURN b.id AS buyer, b.name AS buyer_name, r.product AS product,
       r.cost_share_base AS buyer_cost_share, r.capex_share_base AS buyer_capex_share,
       r.revenue_share_base AS supplier_revenue_share, r.id AS edge,
       ev.source_id AS source_id, ev.quote AS quote
ORDER BY buyer, source_id
