// name: supply_paths
// question: What are all the supply paths from a memory producer to a consumer segment (or any downstream company), hop by hop?
// param: producer (string, required): where the paths start, e.g. company:sk-hynix
// param: segment (string, required): where they end, e.g. company:saas-developers
// param: max_hops (int, default 6): the longest path to list (1 to 8)
// returns: one row per path: `route` reads "a > b > c"; `path`, `edges` and `products` list node ids, edge ids and the products carried, in order
// why: paths need trail semantics (no edge twice): Neo4j's default, `* TRAIL` on the embedded engine. The embedded engine has no list comprehension or reduce (it has `list_transform`/`list_reduce`, which Neo4j lacks), and cannot ORDER BY a list, hence the `route` string.
// hops: max_hops
// example: chainshock cypher --name supply_paths --param producer=company:sk-hynix --param segment=company:saas-developers
// dialect: neo4j
MATCH p = (m:Company {id: $producer})-[:SUPPLIES*1..8]->(c:Company {id: $segment})
WHERE length(p) <= $max_hops
RETURN length(p) AS hops, reduce(s = m.id, n IN tail(nodes(p)) | s + ' > ' + n.id) AS route,
       [n IN nodes(p) | n.id] AS path, [r IN relationships(p) | r.id] AS edges,
       [r IN relationships(p) | r.product] AS products
ORDER BY hops, route
// dialect: embedded
MATCH p = (m:Company {id: $producer})-[:SUPPLIES* TRAIL 1..8]->(c:Company {id: $segment})
WHERE length(p) <= $max_hops
RETURN length(p) AS hops, list_reduce(list_transform(nodes(p), n -> n.id), (a, b) -> a + ' > ' + b) AS route,
       list_transform(nodes(p), n -> n.id) AS path, list_transform(rels(p), r -> r.id) AS edges,
       list_transform(rels(p), r -> r.product) AS products
ORDER BY hops, route
