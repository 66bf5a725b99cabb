// name: edge_evidence
// question: What is the evidence behind an edge (or a fact, or a contract): which source, where in it, what quote, how extracted, how sure, as of when?
// param: subject (string, required): an edge id (e.g. supplies:company:sk-hynix->company:nvidia#product:hbm), a fact id or a node id
// example: chainshock cypher --name edge_evidence --param "subject=produces:company:sk-hynix->product:hbm"
MATCH (ev:Evidence {subject_id: $subject})
OPTIONAL MATCH (ev)-[:CITES]->(s:Source)
RETURN ev.subject_id AS subject, ev.source_id AS source_id, s.title AS title, s.kind AS kind, s.publisher AS publisher,
       s.url AS url, s.accession AS accession, s.form AS form, ev.locator AS locator, ev.quote AS quote,
       ev.method AS method, ev.confidence AS confidence, ev.as_of AS as_of, s.reliability AS reliability
ORDER BY source_id, locator, quote
