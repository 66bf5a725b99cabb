// name: investments
// question: Who has invested in whom across the chain, how much and for what stake (estimates with ranges)?
// param: company (string, default null): only investments made or received by this company
// example: chainshock cypher --name investments --param company=company:openai
MATCH (a:Company)-[r:INVESTS_IN]->(b:Company)
WHERE coalesce($company, a.id) = a.id OR coalesce($company, b.id) = b.id
RETURN a.id AS investor, b.id AS investee, r.amount_usd_low AS amount_low, r.amount_usd_base AS amount_base,
       r.amount_usd_high AS amount_high, r.stake_base AS stake, r.id AS edge
ORDER BY amount_base DESC, investor, investee
