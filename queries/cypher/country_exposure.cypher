// name: country_exposure
// question: How much of each memory product's supply sits in each country (sum of producers' base market shares)?
// param: products (list, default product:hbm,product:dram,product:nand): products to break down
// example: chainshock cypher --name country_exposure
MATCH (c:Company)-[r:PRODUCES]->(p:Product)
WHERE p.id IN $products
OPTIONAL MATCH (c)-[:LOCATED_IN]->(k:Country)
RETURN p.id AS product, coalesce(k.iso, c.country) AS country, count(c) AS producers,
       sum(r.market_share_base) AS share_base
ORDER BY product, share_base DESC, country
