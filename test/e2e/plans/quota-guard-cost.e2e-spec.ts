import { Logger as TypeOrmLogger } from 'typeorm';
import { createTestApp, TestApp } from '../../support/app';
import { insertPlan, provisionTenant, signInToken } from '../../support/fixtures';

/** Records the SQL sent while `fn` runs (TypeORM logs every query through DataSource.logger). */
async function queriesDuring(t: TestApp, fn: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const original = t.db.logger;
  t.db.logger = new Proxy(original, {
    get: (target, prop: keyof TypeOrmLogger) =>
      prop === 'logQuery'
        ? (query: string, ...rest: unknown[]) => {
            seen.push(query);
            return (target.logQuery as (...a: unknown[]) => unknown).call(target, query, ...rest);
          }
        : target[prop],
  });
  try {
    await fn();
  } finally {
    t.db.logger = original;
  }
  return seen;
}

describe('the global guards add no query to reads', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('a tenant read runs only its handler’s query', async () => {
    const tenant = await provisionTenant(t, (await insertPlan(t, { limits: { members: 5 } })).code);
    const token = await signInToken(t, tenant.slug, tenant.admin.email, tenant.admin.password);
    await t.as(token).GET('/api/v1/tenant/usage'); // warm-up (connection pool, metadata)
    const queries = await queriesDuring(t, async () => {
      const res = await t.as(token).GET('/api/v1/tenant/usage');
      expect(res.response.status).toBe(200);
    });
    expect(queries).toHaveLength(1);
    // The usage account and every counter of the current periods, in that one query.
    expect(queries[0]).toMatch(/FROM tenant_usage u\s+LEFT JOIN usage_counters c/);
  });
});
