import { randomUUID } from 'node:crypto';
import { createTestApp, loginStaff, rawFetch, TestApp } from '../../support/app';
import { insertPlan, tenantBody } from '../../support/fixtures';

const IDEMPOTENCY_SECRET = `idempotency-${randomUUID()}-secret`;

/** Boots an instance with its own JWT secret and the shared idempotency secret, signs the owner in. */
async function instance(jwtSecret: string): Promise<{ t: TestApp; owner: string }> {
  const t = await createTestApp({ JWT_SECRET: jwtSecret, IDEMPOTENCY_SECRET });
  return { t, owner: (await loginStaff(t)).accessToken };
}

describe('the idempotency store has its own key (IDEMPOTENCY_SECRET), not the JWT secret', () => {
  it('a retry after a JWT_SECRET rotation still replays the stored, encrypted response', async () => {
    const key = randomUUID();
    const before = await instance(`jwt-before-${randomUUID()}`);
    let body: ReturnType<typeof tenantBody>;
    let first: unknown;
    try {
      body = tenantBody((await insertPlan(before.t)).code);
      delete body.admin.password;
      const res = await rawFetch(before.t, '/api/v1/admin/tenants', { method: 'POST', token: before.owner, json: body, headers: { 'Idempotency-Key': key } });
      expect(res.status).toBe(201);
      first = await res.json();
    } finally {
      await before.t.close();
    }

    const after = await instance(`jwt-after-${randomUUID()}`);
    try {
      const res = await rawFetch(after.t, '/api/v1/admin/tenants', { method: 'POST', token: after.owner, json: body, headers: { 'Idempotency-Key': key } });
      expect(res.status).toBe(201);
      expect(res.headers.get('idempotent-replayed')).toBe('true');
      // The temporary password shown once is decrypted with the store's key, unchanged by the rotation.
      expect(await res.json()).toEqual(first);
      const [row]: { request_hash: string }[] = await after.t.db.query(`SELECT request_hash FROM idempotency_keys ORDER BY created_at DESC LIMIT 1`);
      expect(row.request_hash).toMatch(/^v2:[0-9a-f]{64}$/);
    } finally {
      await after.t.close();
    }
  }, 30_000);
});
