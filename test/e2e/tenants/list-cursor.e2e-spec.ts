import { createTestApp, expectProblem, loginStaff, TestApp, unique } from '../../support/app';
import { insertPlan, provisionTenantViaApi, TestPlan } from '../../support/fixtures';

/** Keyset cursors of the tenant list (GET /api/v1/admin/tenants?cursor=…): same rows as offset pages. */
describe('tenant list keyset cursors (GET /api/v1/admin/tenants?cursor)', () => {
  let t: TestApp;
  let owner: string;
  let plan: TestPlan;
  /** Unique marker in every name and tag of this file, so filters only see this file's tenants. */
  const run = unique('cur').replace(/-/g, '');
  const tag = unique('ctag').replace(/-/g, '').slice(0, 30);
  const ids: Record<string, string> = {};

  type Query = Record<string, string | number>;
  type ListPage = { data: { id: string; name: string; status: string; trialEndsAt: string | null }[]; meta: { total: number; limit: number; offset: number; nextCursor: string | null } };
  const get = (query: Query) => t.as(owner).GET('/api/v1/admin/tenants', { params: { query: query as never } });
  const list = async (query: Query): Promise<ListPage> => {
    const res = await get(query);
    expect(res.response.status).toBe(200);
    return res.data as ListPage;
  };
  /** Walks the whole list: first page by offset, then by meta.nextCursor. */
  const walk = async (query: Query, limit: number) => {
    const seen: string[] = [];
    let page = await list({ ...query, limit });
    const totals = new Set<number>();
    for (let guard = 0; guard < 100; guard += 1) {
      seen.push(...page.data.map((r) => r.id));
      totals.add(page.meta.total);
      if (page.meta.nextCursor === null) break;
      expect(page.data).toHaveLength(limit);
      page = await list({ ...query, limit, cursor: page.meta.nextCursor });
      expect(page.meta.offset).toBe(0);
      expect(page.meta.limit).toBe(limit);
    }
    expect(page.meta.nextCursor).toBeNull();
    return { seen, totals: [...totals] };
  };

  beforeAll(async () => {
    t = await createTestApp();
    owner = (await loginStaff(t)).accessToken;
    plan = await insertPlan(t, { limits: { members: 5, orgAdmins: 2 }, name: `Cursor ${run}` });
    // 9 tenants with ties on every sort key and 3 without a trial (trialEndsAt NULL).
    const specs: [string, number][] = [
      ['Alpha', 5], ['Alpha', 5], ['Bravo', 0], ['Charlie', 10], ['Delta', 0], ['Echo', 5], ['Foxtrot', 0], ['Golf', 30], ['Hotel', 2],
    ];
    for (const [n, [name, trialDays]] of specs.entries()) {
      const tenant = await provisionTenantViaApi(t, owner, plan.code, { name: `${run} ${name}`, trialDays, tags: [tag] });
      ids[`${name}${n}`] = tenant.id;
    }
    const all = Object.values(ids);
    // Equal trial ends (the tie-breaker id decides) with microseconds, and equal creation times.
    await t.db.query(`UPDATE tenant_quotas SET trial_ends_at = '2031-05-04 03:02:01.123456+00' WHERE tenant_id = ANY($1::uuid[])`, [[ids.Alpha0, ids.Alpha1, ids.Echo5]]);
    await t.db.query(`UPDATE tenants SET created_at = '2030-01-01 00:00:00.654321+00' WHERE id = ANY($1::uuid[])`, [[ids.Bravo2, ids.Charlie3, ids.Delta4]]);
    await t.db.query(`UPDATE tenants SET created_at = created_at + interval '0.000001 second' WHERE id = $1`, [ids.Golf7]);
    expect(all).toHaveLength(9);
  });
  afterAll(() => t.close());

  const sorts = ['name', 'createdAt', 'trialEndsAt'] as const;
  const orders = ['asc', 'desc'] as const;
  const cases = sorts.flatMap((sort) => orders.flatMap((order) => [2, 3].map((limit) => [sort, order, limit] as const)));

  it.each(cases)('sort=%s order=%s limit=%d: walking by cursor yields the ids of one big offset page, in order', async (sort, order, limit) => {
    const big = await list({ tag, sort, order, limit: 100 });
    expect(big.data).toHaveLength(9);
    expect(big.meta).toEqual({ total: 9, limit: 100, offset: 0, nextCursor: null });
    const { seen, totals } = await walk({ tag, sort, order }, limit);
    expect(seen).toEqual(big.data.map((r) => r.id));
    expect(totals).toEqual([9]);
  });

  it('trialEndsAt sorts NULLS LAST in both orders; a cursor on a NULL row continues among the NULL rows', async () => {
    for (const order of orders) {
      const big = await list({ tag, sort: 'trialEndsAt', order, limit: 100 });
      const trials = big.data.map((r) => r.trialEndsAt);
      expect(trials.slice(6)).toEqual([null, null, null]);
      expect(trials.slice(0, 6).every((v) => v !== null)).toBe(true);
      // A page ending on the first NULL row: the rest are the other NULL rows.
      const first = await list({ tag, sort: 'trialEndsAt', order, limit: 7 });
      expect(first.data[6].trialEndsAt).toBeNull();
      const rest = await list({ tag, sort: 'trialEndsAt', order, limit: 7, cursor: first.meta.nextCursor! });
      expect(rest.data.map((r) => r.id)).toEqual(big.data.slice(7).map((r) => r.id));
      expect(rest.meta.nextCursor).toBeNull();
    }
  });

  it('nextCursor is given in offset mode too and null on the last page; total stays the filtered count', async () => {
    const offsetPage = await list({ tag, sort: 'name', order: 'asc', limit: 4, offset: 4 });
    expect(offsetPage.meta).toEqual({ total: 9, limit: 4, offset: 4, nextCursor: expect.any(String) });
    const next = await list({ tag, sort: 'name', order: 'asc', limit: 4, cursor: offsetPage.meta.nextCursor! });
    const byOffset = await list({ tag, sort: 'name', order: 'asc', limit: 4, offset: 8 });
    expect(next.data.map((r) => r.id)).toEqual(byOffset.data.map((r) => r.id));
    expect(next.meta).toEqual({ total: 9, limit: 4, offset: 0, nextCursor: null });
    expect(byOffset.meta.nextCursor).toBeNull();
    expect((await list({ tag, limit: 9 })).meta.nextCursor).toBeNull();
  });

  it('filters combine with a cursor (status, q)', async () => {
    await t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/suspend', { params: { path: { tenantId: ids.Charlie3 } }, body: { reason: 'cursor test' } });
    await t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/suspend', { params: { path: { tenantId: ids.Foxtrot6 } }, body: { reason: 'cursor test' } });
    for (const filters of [{ tag, status: 'active' }, { tag, status: 'suspended' }, { q: `${run} alpha` }, { q: run, status: 'active' }] as Query[]) {
      for (const sort of sorts) {
        for (const order of orders) {
          const big = await list({ ...filters, sort, order, limit: 100 });
          const { seen, totals } = await walk({ ...filters, sort, order }, 2);
          expect(seen).toEqual(big.data.map((r) => r.id));
          expect(totals).toEqual([big.meta.total]);
        }
      }
    }
    const suspended = await walk({ tag, status: 'suspended', sort: 'name', order: 'asc' }, 1);
    expect(suspended.seen).toEqual([ids.Charlie3, ids.Foxtrot6]);
  });

  it('a name too long for a 200-character cursor: the cursor names its row by id and still continues', async () => {
    const longTag = unique('clong').replace(/-/g, '').slice(0, 30);
    const long = `${run} ${'Ω'.repeat(150)}`;
    const made = [] as string[];
    for (const suffix of ['a', 'b', 'c']) made.push((await provisionTenantViaApi(t, owner, plan.code, { name: `${long}${suffix}`, tags: [longTag] })).id);
    for (const order of orders) {
      const big = await list({ tag: longTag, sort: 'name', order, limit: 100 });
      const first = await list({ tag: longTag, sort: 'name', order, limit: 1 });
      expect(first.meta.nextCursor!.length).toBeLessThanOrEqual(200);
      const { seen } = await walk({ tag: longTag, sort: 'name', order }, 1);
      expect(seen).toEqual(big.data.map((r) => r.id));
    }
    expect(new Set(made).size).toBe(3);
  });

  it('cursor with offset → 400 validation_failed naming cursor', async () => {
    const first = await list({ tag, sort: 'name', order: 'asc', limit: 2 });
    for (const offset of [0, 2]) {
      const problem = await expectProblem(await get({ tag, sort: 'name', order: 'asc', limit: 2, offset, cursor: first.meta.nextCursor! }), 400, 'validation_failed');
      expect(problem.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
    }
  });

  it('a cursor used with another sort or order → 400 naming cursor', async () => {
    const first = await list({ tag, sort: 'name', order: 'asc', limit: 2 });
    for (const other of [{ sort: 'createdAt', order: 'asc' }, { sort: 'trialEndsAt', order: 'asc' }, { sort: 'name', order: 'desc' }, {}] as Query[]) {
      const problem = await expectProblem(await get({ tag, limit: 2, ...other, cursor: first.meta.nextCursor! }), 400, 'validation_failed');
      expect(problem.errors).toEqual([{ field: 'cursor', message: expect.stringContaining('sort=name&order=asc') }]);
    }
  });

  const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
  const id = '00000000-0000-4000-8000-000000000000';
  it.each([
    ['not base64url', 'not a cursor!'],
    ['empty', ''],
    ['not JSON', b64('{oops')],
    ['an array', b64(['2030-01-01T00:00:00.000Z', id])],
    ['too long', 'A'.repeat(201)],
    ['a bad id', b64({ s: 'createdAt', o: 'desc', v: ['2030-01-01T00:00:00.000000Z'], i: 'x' })],
    ['an SQL-ish id', b64({ s: 'createdAt', o: 'desc', v: ['2030-01-01T00:00:00.000000Z'], i: `${id}' OR 1=1 --` })],
    ['a bad timestamp', b64({ s: 'createdAt', o: 'desc', v: ['yesterday'], i: id })],
    ['an impossible date', b64({ s: 'createdAt', o: 'desc', v: ['2030-02-30T00:00:00.000000Z'], i: id })],
    ['year 0', b64({ s: 'createdAt', o: 'desc', v: ['0000-01-01T00:00:00.000000Z'], i: id })],
    ['NULL for a NOT NULL key', b64({ s: 'createdAt', o: 'desc', v: [null], i: id })],
    ['a number key', b64({ s: 'name', o: 'desc', v: [42], i: id })],
    ['a NUL in a text key', b64({ s: 'name', o: 'desc', v: ['a\u0000b'], i: id })],
    ['two keys for one', b64({ s: 'createdAt', o: 'desc', v: ['2030-01-01T00:00:00.000000Z', 'x'], i: id })],
    ['an unknown order', b64({ s: 'createdAt', o: 'sideways', v: ['2030-01-01T00:00:00.000000Z'], i: id })],
  ])('a malformed cursor (%s) → 400 naming cursor, never a 500', async (_label, cursor) => {
    const problem = await expectProblem(await get({ tag, cursor }), 400, 'validation_failed');
    expect(problem.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'cursor' })]));
  });

  it('a well-formed forged cursor is just a position (no error, no cast failure)', async () => {
    const page = await list({ tag, sort: 'trialEndsAt', order: 'asc', limit: 100, cursor: b64({ s: 'trialEndsAt', o: 'asc', v: [null], i: id }) });
    const big = await list({ tag, sort: 'trialEndsAt', order: 'asc', limit: 100 });
    expect(page.data.map((r) => r.id)).toEqual(big.data.filter((r) => r.trialEndsAt === null && r.id > id).map((r) => r.id));
    const byId = await list({ tag, sort: 'name', order: 'asc', limit: 100, cursor: b64({ s: 'name', o: 'asc', v: null, i: id }) });
    expect(byId.data).toEqual([]);
    // trialEndsAt cursors always carry their key: one without is forged.
    const forged = await expectProblem(await get({ tag, sort: 'trialEndsAt', order: 'desc', cursor: b64({ s: 'trialEndsAt', o: 'desc', v: null, i: id }) }), 400, 'validation_failed');
    expect(forged.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
  });
});
