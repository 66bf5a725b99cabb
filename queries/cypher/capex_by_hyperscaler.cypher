// name: capex_by_hyperscaler
// question: How much did each hyperscaler spend on capex by fiscal year, and which filing says so?
// param: company (string, default null): one company's id, or every hyperscaler when omitted
// returns: values in USD units; fiscal_year is the company's own label
// example: chainshock cypher --name capex_by_hyperscaler --param company=company:microsoft
MATCH (c:Company)-[:HAS_FACT]->(f:Fact)
WHERE f.metric = 'capex' AND f.fiscal_period = 'FY' AND coalesce($company, c.id) = c.id
  AND ($company IS NOT NULL OR 'hyperscaler' IN c.roles)
OPTIONAL MATCH (f)-[:REPORTED_IN]->(s:Source)
RETURN c.id AS company, c.name AS company_name, f.fiscal_year AS fiscal_year, f.period_end AS period_end,
       f.value AS capex_usd, f.estimate AS estimate, s.id AS source_id, s.form AS form,
       coalesce(s.accession, s.url) AS source_ref, f.concept AS concept
ORDER BY company, fiscal_year
