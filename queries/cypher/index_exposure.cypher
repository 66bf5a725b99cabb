// name: index_exposure
// question: What are an index's constituents by weight (KOSPI, TAIEX, ...) and how exposed is each to memory, as a producer or as a buyer?
// param: index_id (string, default index:kospi): the index id (`index` is a keyword of the embedded engine, so the parameter is `index_id`)
// returns: per constituent: weight (base estimate), memory market share it holds (sum over HBM/DRAM/NAND of its base shares), and its memory cost share (sum of base cost shares of memory bought via USES or SUPPLIES)
// why: Index is a reserved word of the embedded engine, so the label is written `Index` in backticks (Neo4j accepts that too).
// example: chainshock cypher --name index_exposure --param index_id=index:taiex
MATCH (c:Company)-[w:CONSTITUENT_OF]->(i:`Index` {id: $index_id})
OPTIONAL MATCH (c)-[pr:PRODUCES]->(mp:Product)
WHERE mp.category IN ['hbm', 'dram', 'nand']
WITH c, w, coalesce(sum(pr.market_share_base), 0.0) AS memory_market_share, count(mp) AS memory_products
OPTIONAL MATCH (c)-[u:USES]->(up:Product)
WHERE up.category IN ['hbm', 'dram', 'nand']
WITH c, w, memory_market_share, memory_products, coalesce(sum(u.cost_share_base), 0.0) AS uses_share
OPTIONAL MATCH (:Company)-[s:SUPPLIES]->(c)
WHERE s.product IN ['product:hbm', 'product:dram', 'product:nand']
WITH c, w, memory_market_share, memory_products, uses_share, coalesce(sum(s.cost_share_base), 0.0) AS supplies_share
RETURN c.id AS company, c.name AS company_name, w.weight_base AS weight, w.weight_low AS weight_low,
       w.weight_high AS weight_high, memory_products, memory_market_share,
       uses_share + supplies_share AS memory_cost_share
ORDER BY weight DESC, company
