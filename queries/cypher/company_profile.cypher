// name: company_profile
// question: What is a company: its roles, ticker, country, the indexes it belongs to and how many suppliers and customers the graph knows?
// param: company (string, required): an id (company:nvidia) or a ticker (NVDA)
// example: chainshock cypher --name company_profile --param company=NVDA
MATCH (c:Company)
WHERE c.id = $company OR c.ticker = $company
OPTIONAL MATCH (c)-[w:CONSTITUENT_OF]->(i:`Index`)
WITH c, count(i) AS indexes, coalesce(sum(w.weight_base), 0.0) AS total_index_weight
RETURN c.id AS company, c.name AS name, c.roles AS roles, c.ticker AS ticker, c.country AS country,
       c.cost_base_usd_base AS cost_base_usd, indexes, total_index_weight,
       COUNT { MATCH (:Company)-[:SUPPLIES]->(c) } AS suppliers,
       COUNT { MATCH (c)-[:SUPPLIES]->(:Company) } AS customers
