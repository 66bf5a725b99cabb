// name: suppliers_within_hops
// question: Who supplies a company, directly or through up to N tiers of suppliers, along which paths, and with what evidence for each edge?
// param: company (string, required): the buyer's id, e.g. company:nvidia
// param: max_hops (int, default 3): the longest supply chain to follow upstream (1 to 6)
// returns: one row per (path, edge on it, evidence); `path` lists the node ids from the supplier to the buyer
// why: the embedded engine walks variable-length patterns as walks unless told `* TRAIL` (Neo4j's default is trail semantics: no relationship twice), and it has no list comprehension, so the path's node ids come from `list_transform` there and `[n IN nodes(p) | n.id]` on Neo4j. Neither engine accepts a parameter as a hop bound, so the pattern allows 6, the library cuts the range to `max_hops` before the query runs (`// hops:`), and `length(p) <= $max_hops` keeps the text exact when run as written. On the embedded engine the pattern names the properties the query reads from the path (`(r, n | {r.id, ...}, {n.id})`), so the recursive walk carries them instead of joining the relationship table afterwards (docs/decisions.md, "Embedded query plans").
// hops: max_hops
// example: chainshock cypher --name suppliers_within_hops --param company=company:hon-hai --param max_hops=2
// dialect: neo4j
MATCH p = (s:Company)-[:SUPPLIES*1..6]->(b:Company {id: $company})
WHERE length(p) <= $max_hops
UNWIND relationships(p) AS r
UNWIND CASE WHEN size(r.evidence_ids) = 0 THEN [''] ELSE r.evidence_ids END AS evidence_id
OPTIONAL MATCH (ev:Evidence {id: evidence_id})
RETURN s.id AS supplier, length(p) AS hops, [n IN nodes(p) | n.id] AS path,
       r.id AS edge, r.product AS product, ev.source_id AS source_id, ev.quote AS quote
ORDER BY hops, supplier, edge, source_id
// dialect: embedded
MATCH p = (s:Company)-[:SUPPLIES* TRAIL 1..6 (r, n | {r.id, r.product, r.evidence_ids}, {n.id})]->(b:Company {id: $company})
WHERE length(p) <= $max_hops
UNWIND relationships(p) AS r
UNWIND CASE WHEN size(r.evidence_ids) = 0 THEN [''] ELSE r.evidence_ids END AS evidence_id
OPTIONAL MATCH (ev:Evidence {id: evidence_id})
RETURN s.id AS supplier, length(p) AS hops, list_transform(nodes(p), n -> n.id) AS path,
       r.id AS edge, r.product AS product, ev.source_id AS source_id, ev.quote AS quote
ORDER BY hops, supplier, edge, source_id
