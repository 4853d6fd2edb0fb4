import { UsageCountersPerPeriod1796228430487 as UsageCountersPerPeriod } from '../../../migrations/1796228430487-UsageCountersPerPeriod';
import { createTestApp, TestApp } from '../../support/app';
import { insertPlan, provisionTenant } from '../../support/fixtures';

/**
 * The migration that moved counters to usage_counters carries the data both ways. It runs here
 * inside one transaction (PostgreSQL DDL is transactional) that is rolled back at the end, so the
 * test database keeps its schema.
 */
describe('migration UsageCountersPerPeriod moves existing counters and snapshots', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('per-metric columns become one row per metric and period, and snapshot columns become counters; down restores them', async () => {
    const provisioned = await provisionTenant(t, (await insertPlan(t)).code);
    const legacy = '0b7e4c3a-5d6f-4a1b-9c8d-7e6f5a4b3c2d';
    const thisMonth = (await t.db.query(`SELECT date_trunc('month', now() AT TIME ZONE 'UTC')::date::text AS d`))[0].d as string;
    const migration = new UsageCountersPerPeriod();
    const qr = t.db.createQueryRunner();
    await qr.connect();
    await qr.startTransaction();
    try {
      await migration.down(qr);
      // down copied the provisioned tenant's counters back into its columns.
      expect((await qr.query(`SELECT member_count, org_admin_count, project_count FROM tenant_usage WHERE tenant_id = $1`, [provisioned.id]))[0]).toEqual({
        member_count: 1,
        org_admin_count: 1,
        project_count: 0,
      });
      await qr.query(
        `INSERT INTO tenant_usage (tenant_id, member_count, org_admin_count, project_count, domain_count, automation_runs_this_month) VALUES ($1, 7, 2, 3, 1, 42)`,
        [legacy],
      );
      await qr.query(
        `INSERT INTO tenant_usage_snapshots (tenant_id, day, member_count, org_admin_count, project_count, domain_count, automation_runs_this_month)
         VALUES ($1, '2026-01-15', 6, 2, 3, 1, 40)`,
        [legacy],
      );

      await migration.up(qr);
      expect(await qr.query(`SELECT metric, period_start::text, value::int FROM usage_counters WHERE tenant_id = $1 ORDER BY metric`, [legacy])).toEqual([
        { metric: 'automationsPerMonth', period_start: thisMonth, value: 42 },
        { metric: 'domains', period_start: '1970-01-01', value: 1 },
        { metric: 'members', period_start: '1970-01-01', value: 7 },
        { metric: 'orgAdmins', period_start: '1970-01-01', value: 2 },
        { metric: 'projects', period_start: '1970-01-01', value: 3 },
      ]);
      // A zero monthly total makes no row; levels are copied with their zeros.
      expect(await qr.query(`SELECT metric, value::int FROM usage_counters WHERE tenant_id = $1 ORDER BY metric`, [provisioned.id])).toEqual([
        { metric: 'domains', value: 0 },
        { metric: 'members', value: 1 },
        { metric: 'orgAdmins', value: 1 },
        { metric: 'projects', value: 0 },
      ]);
      expect(await qr.query(`SELECT counters FROM tenant_usage_snapshots WHERE tenant_id = $1`, [legacy])).toEqual([
        { counters: { members: 6, orgAdmins: 2, projects: 3, domains: 1, automationsPerMonth: 40 } },
      ]);
    } finally {
      await qr.rollbackTransaction();
      await qr.release();
    }
    expect(await t.db.query(`SELECT count(*)::int AS n FROM usage_counters WHERE tenant_id = $1`, [legacy])).toEqual([{ n: 0 }]);
  });
});
