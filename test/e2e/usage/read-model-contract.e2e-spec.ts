import { CountMetricCode, effectiveLimitSql, METRICS, QuotaService } from '../../../src/modules/plans';
import { countMetricJoinSql } from '../../../src/modules/usage';
import { createTestApp, loginStaff, TestApp } from '../../support/app';
import { addUser, insertPlan, provisionTenant } from '../../support/fixtures';

/**
 * The contract of docs/adr/0004: the tenant list reads plans' and usage's tables through the SQL
 * fragments their owners export (`effectiveLimitSql`, `countMetricJoinSql`). These tests pin the
 * columns those fragments rely on and prove they answer what the owners' facades answer.
 */
describe('tenant list read model: the plans/usage SQL contract', () => {
  let t: TestApp;
  let owner: string;
  beforeAll(async () => {
    t = await createTestApp();
    owner = (await loginStaff(t)).accessToken;
  });
  afterAll(() => t.close());

  const LEVELS = METRICS.filter((m) => m.kind === 'count').map((m) => m.code as CountMetricCode);

  it('the columns the fragments read exist with the contracted types, and counters are keyed by (tenant, metric, period)', async () => {
    const columns: { table_name: string; column_name: string; data_type: string }[] = await t.db.query(
      `SELECT table_name, column_name, data_type FROM information_schema.columns
        WHERE table_schema = current_schema() AND (table_name, column_name) IN (
          ('usage_counters', 'tenant_id'), ('usage_counters', 'metric'), ('usage_counters', 'period_start'), ('usage_counters', 'value'),
          ('tenant_quotas', 'tenant_id'), ('tenant_quotas', 'plan_id'), ('tenant_quotas', 'limit_overrides'), ('plans', 'id'), ('plans', 'limits'))
        ORDER BY table_name, column_name`,
    );
    expect(columns.map((c) => `${c.table_name}.${c.column_name}: ${c.data_type}`)).toEqual([
      'plans.id: uuid',
      'plans.limits: jsonb',
      'tenant_quotas.limit_overrides: jsonb',
      'tenant_quotas.plan_id: uuid',
      'tenant_quotas.tenant_id: uuid',
      'usage_counters.metric: text',
      'usage_counters.period_start: date',
      'usage_counters.tenant_id: uuid',
      'usage_counters.value: bigint',
    ]);
    const [pk] = await t.db.query(
      `SELECT array_agg(a.attname::text ORDER BY k.ord) AS columns
         FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
        WHERE i.indrelid = 'usage_counters'::regclass AND i.indisprimary`,
    );
    expect(pk.columns).toEqual(['tenant_id', 'metric', 'period_start']);
  });

  it('for every level, the fragments give the used value and effective limit the facades give (plan, override, unlimited)', async () => {
    const tenant = await provisionTenant(t, (await insertPlan(t, { limits: { members: 8, orgAdmins: 2, projects: 4 } })).code);
    await addUser(t, tenant, 'member', false);
    await t.db.query(`UPDATE tenant_quotas SET limit_overrides = '{"members": 3, "projects": null}' WHERE tenant_id = $1`, [tenant.id]);
    const allowances = await t.app.get(QuotaService).allowances(tenant.id);
    for (const metric of LEVELS) {
      const [row] = await t.db.query(
        `SELECT u.value, ${effectiveLimitSql(metric)} AS limit
           FROM tenant_quotas q JOIN plans p ON p.id = q.plan_id ${countMetricJoinSql(metric, 'q.tenant_id', 'u')}
          WHERE q.tenant_id = $1`,
        [tenant.id],
      );
      const facade = allowances.find((a) => a.metric === metric)!;
      expect({ metric, used: Number(row.value ?? 0), limit: row.limit }).toEqual({ metric, used: facade.used, limit: facade.limit });
    }
    expect(allowances.find((a) => a.metric === 'members')).toMatchObject({ used: 2, limit: 3 });
  });

  it('the tenant list row shows the members counter and limit the quota facade shows', async () => {
    const tenant = await provisionTenant(t, (await insertPlan(t, { limits: { members: 5 } })).code);
    await addUser(t, tenant, 'member', false);
    const page = await t.as(owner).GET('/api/v1/admin/tenants', { params: { query: { q: tenant.slug } } });
    const facade = await t.app.get(QuotaService).allowance(tenant.id, 'members');
    expect(page.data!.data.map((r) => r.usage.members)).toEqual([{ used: facade.used, limit: facade.limit, percent: 40 }]);
  });
});
