/**
 * Read-model contract with the tenants context (docs/adr/0004): a LEFT JOIN LATERAL that brings
 * the latest daily health snapshot of the tenant whose id is the SQL expression `tenantIdSql`, as
 * `<alias>.score` (int 0–100), `<alias>.risk` (low|medium|high) and `<alias>.day` (date, UTC); all
 * NULL for a tenant not yet scored. One backwards probe of ux_tenant_health_snapshots_day
 * (tenant_id, day) per row. The alias must be a plain identifier.
 */
export function latestHealthJoinSql(tenantIdSql: string, alias: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(alias)) throw new Error(`not a SQL alias: ${alias}`);
  return `LEFT JOIN LATERAL (SELECT hs.score, hs.risk, hs.day FROM tenant_health_snapshots hs WHERE hs.tenant_id = ${tenantIdSql} ORDER BY hs.day DESC LIMIT 1) ${alias} ON true`;
}
