// name: company_facts
// question: What has a company reported, metric by fiscal year, and from which filing?
// param: company (string, required): the company id, e.g. company:microsoft
// param: metric (string, default null): one metric (capex, revenue, cost_of_revenue, ...), or all
// example: chainshock cypher --name company_facts --param company=company:microsoft --param metric=capex
MATCH (c:Company {id: $company})-[:HAS_FACT]->(f:Fact)
WHERE coalesce($metric, f.metric) = f.metric
OPTIONAL MATCH (f)-[:REPORTED_IN]->(s:Source)
RETURN f.metric AS metric, f.fiscal_year AS fiscal_year, f.fiscal_period AS fiscal_period, f.period_end AS period_end,
       f.value AS value, f.unit AS unit, f.estimate AS estimate, s.id AS source_id, coalesce(s.accession, s.url) AS source_ref
ORDER BY metric, period_end, fiscal_period
