// name: memory_cost_exposure
// question: Which companies' cost base is most exposed to HBM, DRAM and NAND, and through which suppliers?
// param: products (list, default product:hbm,product:dram,product:nand): the memory products, comma-separated
// returns: one row per (company, product, route): a USES edge (route = "uses", suppliers that carry the product listed one per row) or a SUPPLIES edge with a cost share; exposure_usd = cost share (base) x cost base (base), both estimates
// example: chainshock cypher --name memory_cost_exposure --param products=product:hbm
MATCH (c:Company)-[u:USES]->(p:Product)
WHERE p.id IN $products
OPTIONAL MATCH (s:Company)-[r:SUPPLIES]->(c)
WHERE r.product = p.id
RETURN c.id AS company, c.name AS company_name, p.id AS product, 'uses' AS route, s.id AS supplier,
       u.cost_share_low AS cost_share_low, u.cost_share_base AS cost_share_base, u.cost_share_high AS cost_share_high,
       c.cost_base_usd_base AS cost_base_usd, u.cost_share_base * c.cost_base_usd_base AS exposure_usd, u.id AS edge
UNION ALL
MATCH (s:Company)-[r:SUPPLIES]->(c:Company)
WHERE r.product IN $products AND r.cost_share_base IS NOT NULL
RETURN c.id AS company, c.name AS company_name, r.product AS product, 'supplies' AS route, s.id AS supplier,
       r.cost_share_low AS cost_share_low, r.cost_share_base AS cost_share_base, r.cost_share_high AS cost_share_high,
       c.cost_base_usd_base AS cost_base_usd, r.cost_share_base * c.cost_base_usd_base AS exposure_usd, r.id AS edge
