// name: market_concentration
// question: How concentrated is each product's supply: producers, the largest share, and the Herfindahl-Hirschman index?
// param: min_producers (int, default 1): only products with at least this many producers
// returns: HHI = sum of (market share in %)^2 over producers, from the base estimates; 10000 is a monopoly, above 2500 is highly concentrated
// example: chainshock cypher --name market_concentration
MATCH (c:Company)-[r:PRODUCES]->(p:Product)
WITH p, count(c) AS producers, max(r.market_share_base) AS top_share,
     sum((100.0 * r.market_share_base) * (100.0 * r.market_share_base)) AS hhi,
     sum(r.market_share_base) AS covered_share
WHERE producers >= $min_producers
RETURN p.id AS product, p.name AS product_name, producers, top_share, hhi, covered_share
ORDER BY hhi DESC, product
