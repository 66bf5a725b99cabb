// name: expiring_contracts
// question: Which contracts (LTAs, PPAs, ...) end within N months, who are the parties, and what product and share of purchases do they shield at a fixed price?
// param: months (int, default 12): the window, in months from as_of
// param: as_of (date, default today): the date the window starts (YYYY-MM-DD)
// returns: one row per (contract, covered product, party)
// why: date arithmetic differs: Neo4j adds `duration({months: n})`, the embedded engine adds `to_months(n)`.
// example: chainshock cypher --name expiring_contracts --param months=18 --param as_of=2025-10-01
// dialect: neo4j
MATCH (k:Contract)
WHERE k.end_date IS NOT NULL AND k.end_date >= date($as_of)
  AND k.end_date <= date($as_of) + duration({months: $months})
OPTIONAL MATCH (k)-[cv:COVERS]->(p:Product)
OPTIONAL MATCH (pc:Company)-[pt:PARTY_TO]->(k)
RETURN k.id AS contract, k.kind AS kind, k.end_date AS end_date, p.id AS product,
       cv.fixed_share_base AS fixed_share, cv.price_terms AS price_terms, pc.id AS party, pt.role AS role
ORDER BY end_date, contract, product, role, party
// dialect: embedded
MATCH (k:Contract)
WHERE k.end_date IS NOT NULL AND k.end_date >= date($as_of)
  AND k.end_date <= date($as_of) + to_months($months)
OPTIONAL MATCH (k)-[cv:COVERS]->(p:Product)
OPTIONAL MATCH (pc:Company)-[pt:PARTY_TO]->(k)
RETURN k.id AS contract, k.kind AS kind, k.end_date AS end_date, p.id AS product,
       cv.fixed_share_base AS fixed_share, cv.price_terms AS price_terms, pc.id AS party, pt.role AS role
ORDER BY end_date, contract, product, role, party
