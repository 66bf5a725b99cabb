// name: unsupported_edges
// question: Which edges have no evidence at all (a data-quality check: the answer should be empty)?
// param: limit (int, default 100): at most this many rows
// returns: CITES relationships (evidence -> source) are skipped: they are the evidence
// why: CITES has no evidence_ids (size(null) is null, so the WHERE drops it) and, in the embedded database, no id either: no r.id test, so the engine reads only evidence_ids to filter (docs/decisions.md, "Embedded engine, third pass").
// example: chainshock cypher --name unsupported_edges
MATCH (a)-[r]->(b)
WHERE size(r.evidence_ids) = 0
RETURN a.id AS source, b.id AS target, r.id AS edge
ORDER BY edge
LIMIT $limit
