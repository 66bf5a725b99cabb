// name: hyperscaler_power
// question: Which power contracts (PPAs) and electricity supply edges do hyperscalers have, with which utilities, for how many MW and until when?
// param: hyperscaler (string, default null): one hyperscaler's id, or all when omitted
// returns: one row per (hyperscaler, utility, PPA); `supply_edge` is the utility's SUPPLIES edge to the hyperscaler when the graph has one; `source_id` is the contract's evidence
// example: chainshock cypher --name hyperscaler_power --param hyperscaler=company:amazon
MATCH (u:Company), (h:Company)
WHERE 'utility' IN u.roles AND 'hyperscaler' IN h.roles AND coalesce($hyperscaler, h.id) = h.id
  AND (EXISTS { MATCH (u)-[:SUPPLIES]->(h) } OR EXISTS { MATCH (h)-[:PARTY_TO]->(:Contract)<-[:PARTY_TO]-(u) })
OPTIONAL MATCH (h)-[:PARTY_TO]->(k:Contract)<-[:PARTY_TO]-(u)
WHERE k.kind = 'ppa'
OPTIONAL MATCH (u)-[r:SUPPLIES]->(h)
OPTIONAL MATCH (ev:Evidence {subject_id: k.id})
RETURN h.id AS hyperscaler, u.id AS utility, u.name AS utility_name, k.id AS contract, k.capacity_mw AS capacity_mw,
       k.start_date AS start_date, k.end_date AS end_date, r.id AS supply_edge, ev.source_id AS source_id
ORDER BY hyperscaler, utility, contract, supply_edge, source_id
