// name: producers_of
// question: Who makes a product, with what market share (an estimate range), and on what evidence?
// param: product (string, required): the product id, e.g. product:hbm
// example: chainshock cypher --name producers_of --param product=product:hbm
MATCH (c:Company)-[r:PRODUCES]->(p:Product {id: $product})
UNWIND CASE WHEN size(r.evidence_ids) = 0 THEN [''] ELSE r.evidence_ids END AS evidence_id
OPTIONAL MATCH (ev:Evidence {id: evidence_id})
RETURN c.id AS producer, c.name AS producer_name, c.country AS country,
       r.market_share_low AS share_low, r.market_share_base AS share_base, r.market_share_high AS share_high,
       r.market_share_basis AS basis, ev.source_id AS source_id, ev.quote AS quote
ORDER BY share_base DESC, producer, source_id
