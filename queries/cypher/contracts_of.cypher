// name: contracts_of
// question: Which contracts is a company party to, in what role, with whom, covering what, and until when?
// param: company (string, required): the company id, e.g. company:nvidia
// example: chainshock cypher --name contracts_of --param company=company:amazon
MATCH (c:Company {id: $company})-[pt:PARTY_TO]->(k:Contract)
OPTIONAL MATCH (other:Company)-[:PARTY_TO]->(k)
WHERE other.id <> c.id
OPTIONAL MATCH (k)-[cv:COVERS]->(p:Product)
RETURN k.id AS contract, k.kind AS kind, pt.role AS role, other.id AS counterparty, p.id AS product,
       cv.fixed_share_base AS fixed_share, k.start_date AS start_date, k.end_date AS end_date,
       k.value_usd_base AS value_usd, k.capacity_mw AS capacity_mw
ORDER BY contract, counterparty, product
