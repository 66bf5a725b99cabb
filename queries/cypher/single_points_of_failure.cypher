// name: single_points_of_failure
// question: Which products have 3 or fewer producers, how concentrated are they (HHI), and who makes them with what share?
// param: max_producers (int, default 3): a product with at most this many producers counts as a single point of failure
// returns: one row per (product, producer); HHI from base market-share estimates, null when no producer of the product has a share estimate (unknown, not zero)
// example: chainshock cypher --name single_points_of_failure --param max_producers=2
MATCH (:Company)-[pr:PRODUCES]->(p:Product)
WITH p, count(*) AS producers, count(pr.market_share_base) AS with_share,
     sum((100.0 * pr.market_share_base) * (100.0 * pr.market_share_base)) AS squares
WHERE producers <= $max_producers
MATCH (c:Company)-[r:PRODUCES]->(p)
RETURN p.id AS product, producers, CASE WHEN with_share = 0 THEN NULL ELSE squares END AS hhi,
       c.id AS producer, r.market_share_base AS share_base,
       r.market_share_low AS share_low, r.market_share_high AS share_high
ORDER BY hhi DESC, product, share_base DESC, producer
