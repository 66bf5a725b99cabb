// name: market_concentration
// question: How concentrated is each product's supply: producers, the largest share, and the Herfindahl-Hirschman index?
// param: min_producers (int, default 1): only products with at least this many producers
// returns: HHI = sum of (market share in %)^2 over the producers with a share estimate (base values); 10000 is a monopoly, above 2500 is highly concentrated. `hhi` is null when no producer has a share (unknown, not zero); `with_share` counts the producers that have one.
// example: chainshock cypher --name market_concentration
MATCH (c:Company)-[r:PRODUCES]->(p:Product)
WITH p, count(c) AS producers, count(r.market_share_base) AS with_share, max(r.market_share_base) AS top_share,
     sum((100.0 * r.market_share_base) * (100.0 * r.market_share_base)) AS squares,
     sum(r.market_share_base) AS shares
WHERE producers >= $min_producers
RETURN p.id AS product, p.name AS product_name, producers, with_share, top_share,
       CASE WHEN with_share = 0 THEN NULL ELSE squares END AS hhi,
       CASE WHEN with_share = 0 THEN NULL ELSE shares END AS covered_share
ORDER BY hhi DESC, product
