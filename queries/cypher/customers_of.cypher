// name: customers_of
// question: Who buys from a company directly, what, and what share of the supplier's revenue or the buyer's capex it is?
// param: company (string, required): the supplier's id, e.g. company:sk-hynix
// example: chainshock cypher --name customers_of --param company=company:sk-hynix
MATCH (s:Company {id: $company})-[r:SUPPLIES]->(b:Company)
UNWIND CASE WHEN size(r.evidence_ids) = 0 THEN [''] ELSE r.evidence_ids END AS evidence_id
OPTIONAL MATCH (ev:Evidence {id: evidence_id})
RETURN b.id AS buyer, b.name AS buyer_name, r.product AS product,
       r.cost_share_base AS buyer_cost_share, r.capex_share_base AS buyer_capex_share,
       r.revenue_share_base AS supplier_revenue_share, r.id AS edge,
       ev.source_id AS source_id, ev.quote AS quote
ORDER BY buyer, source_id
