// name: unsupported_edges
// question: Which edges have no evidence at all (a data-quality check: the answer should be empty)?
// param: limit (int, default 100): at most this many rows
// returns: CITES relationships (evidence -> source) are skipped: they are the evidence
// example: chainshock cypher --name unsupported_edges
MATCH (a)-[r]->(b)
WHERE size(r.evidence_ids) = 0
  AND NOT r.id STARTS WITH 'evidence:'
RETURN a.id AS source, b.id AS target, r.id AS edge
ORDER BY edge
LIMIT $limit
