// name: edge_lookup
// question: What does an edge join, and what are its estimated properties (cost, capex, revenue or market share, weight)?
// param: edge (string, required): the edge id, e.g. supplies:company:sk-hynix->company:nvidia#product:hbm
// example: chainshock cypher --name edge_lookup --param "edge=supplies:company:sk-hynix->company:nvidia#product:hbm"
MATCH (a)-[r]->(b)
WHERE r.id = $edge
RETURN a.id AS source, b.id AS target, r.id AS edge
