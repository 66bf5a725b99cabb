// name: single_point_buyers
// question: For each product with 3 or fewer producers, who buys it directly and who sits downstream of those buyers, and how many tiers down?
// param: max_producers (int, default 3): products with at most this many producers
// param: max_hops (int, default 4): how many supply tiers below the direct buyers to follow (0 to 6)
// returns: one row per (product, buyer) with the fewest tiers from the product (0 = buys it directly, via USES or a SUPPLIES edge naming it)
// why: the downstream set is the same under walk and trail semantics (any walk of length <= k contains a path of length <= k), so one text serves both engines; `min(length(p))` gives the tier.
// hops: max_hops
// example: chainshock cypher --name single_point_buyers --param max_hops=2
MATCH (:Company)-[:PRODUCES]->(p:Product)
WITH p, count(*) AS producers
WHERE producers <= $max_producers
MATCH (b:Company)
WHERE EXISTS { MATCH (b)-[:USES]->(p) } OR EXISTS { MATCH (:Company)-[s:SUPPLIES]->(b) WHERE s.product = p.id }
MATCH path = (b)-[:SUPPLIES*0..6]->(d:Company)
WHERE length(path) <= $max_hops
RETURN p.id AS product, producers, d.id AS buyer, d.name AS buyer_name, min(length(path)) AS tiers_down
ORDER BY product, tiers_down, buyer
