// name: largest_backlogs
// question: Which builders (industrials and utilities) report the largest backlog (remaining performance obligations), as of their latest report?
// param: limit (int, default 10): how many companies to list
// returns: each company's latest reported backlog, with its period and source
// example: chainshock cypher --name largest_backlogs --param limit=5
MATCH (c:Company)-[:HAS_FACT]->(f:Fact)
WHERE (f.metric = 'remaining_performance_obligations' OR f.metric = 'backlog')
  AND ('industrial' IN c.roles OR 'utility' IN c.roles)
WITH c, max(f.period_end) AS latest
MATCH (c)-[:HAS_FACT]->(f:Fact)
WHERE (f.metric = 'remaining_performance_obligations' OR f.metric = 'backlog') AND f.period_end = latest
OPTIONAL MATCH (f)-[:REPORTED_IN]->(s:Source)
RETURN c.id AS company, c.name AS company_name, f.metric AS metric, f.period_end AS period_end,
       f.value AS backlog_usd, s.id AS source_id, coalesce(s.accession, s.url) AS source_ref
ORDER BY backlog_usd DESC, company
LIMIT $limit
