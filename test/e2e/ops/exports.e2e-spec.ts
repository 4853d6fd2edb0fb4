import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ExportLinks } from '../../../src/common/exports';
import { ExportsService } from '../../../src/modules/platform/exports/exports.service';
import { createTestApp, loginStaff, TestApp } from '../../support/app';
import { insertPlan, provisionTenant, signInToken, STANDARD_PLAN_LIMITS, waitFor } from '../../support/fixtures';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** CSV exports: async jobs, streamed files, formula escaping, signed expiring links, audited downloads, purge. */
describe('exports (POST /api/v1/admin/exports, /api/v1/tenant/exports)', () => {
  let t: TestApp;
  let owner: string;
  let ownerId: string;
  beforeAll(async () => {
    t = await createTestApp();
    owner = (await loginStaff(t)).accessToken;
    ownerId = (await t.db.query(`SELECT id FROM staff_members WHERE email = 'owner@example.com'`))[0].id;
  });
  afterAll(() => t?.close());

  const call = async (path: string, token: string | null, method = 'GET', body?: unknown): Promise<{ status: number; body: Json; text: string; headers: Headers }> => {
    const res = await fetch(`${t.baseUrl}${path}`, {
      method,
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: Json = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
    return { status: res.status, body: parsed, text, headers: res.headers };
  };
  const done = async (path: string, token: string): Promise<Json> => {
    let dto: Json;
    await waitFor(async () => {
      dto = (await call(path, token)).body;
      return ['succeeded', 'failed', 'cancelled'].includes(dto.status);
    }, 15_000);
    return dto;
  };
  const auditRow = (tenantId: string, email: string) =>
    t.db.query(
      `INSERT INTO audit_logs (id, occurred_at, actor_type, actor_email, tenant_id, action, module, method, path, status_code, outcome, channel)
       VALUES ($1, now(), 'tenant', $2, $3, 'tenantUsers.create', 'iam', 'POST', '/api/v1/tenant/users', 201, 'success', 'http')`,
      [randomUUID(), email, tenantId],
    );

  it('a staff export of one tenant’s audit log: 202 with its job, a streamed CSV with formulas escaped, a signed 10-minute link, an audited download', async () => {
    const plan = await insertPlan(t, { limits: STANDARD_PLAN_LIMITS });
    const x = await provisionTenant(t, plan.code, { trialDays: 0 });
    await auditRow(x.id, '=HYPERLINK("http://evil.example","click")');
    await auditRow(x.id, 'plain@example.test');

    const created = await call('/api/v1/admin/exports', owner, 'POST', { type: 'audit_logs', filters: { tenantId: x.id }, format: 'csv' });
    // The tenant's rows as the job saw them: the two above, the provisioning's and this request's own.
    const expected = (await t.db.query(`SELECT count(*)::int AS n FROM audit_logs WHERE tenant_id = $1`, [x.id]))[0].n;
    expect(created.status).toBe(202);
    expect(created.headers.get('location')).toBe(`/api/v1/admin/exports/${created.body.id}`);
    expect(created.body).toMatchObject({ type: 'audit_logs', status: 'queued', filters: { tenantId: x.id }, job: { type: 'exports.csv', status: 'queued', requestedBy: { id: ownerId } }, file: null });
    const exp = await done(`/api/v1/admin/exports/${created.body.id}`, owner);
    // The file is the job's snapshot: its rows are the count it took in that snapshot (rows the
    // service writes for the tenant meanwhile may land in it too).
    expect(exp).toMatchObject({ status: 'succeeded', file: { rows: exp.job.progress.total, bytes: expect.any(Number), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }, job: { progress: { done: exp.job.progress.total, percent: 100 } } });
    expect(exp.file.rows).toBeGreaterThanOrEqual(expected);
    expect(new Date(exp.expiresAt).getTime() - new Date(exp.completedAt).getTime()).toBe(7 * 86_400_000);

    const link = await call(`/api/v1/admin/exports/${exp.id}/download`, owner);
    expect(link.status).toBe(200);
    expect(new Date(link.body.expiresAt).getTime() - Date.now()).toBeGreaterThan(590_000);
    expect(new Date(link.body.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(600_000);
    const file = await call(link.body.url, null);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(file.headers.get('content-disposition')).toMatch(/^attachment; filename="audit_logs-\d{4}-\d{2}-\d{2}-[0-9a-f]{8}\.csv"$/);
    const lines = file.text.trim().split('\n');
    expect(lines[0]).toBe('occurredAt,tenantId,actorType,actorId,actorEmail,impersonatorId,action,module,resourceType,resourceId,method,path,statusCode,outcome,errorCode,requestId,ip,channel,seq,prevHash,hash');
    expect(lines).toHaveLength(exp.file.rows + 1);
    // A spreadsheet would run =HYPERLINK(…); the export neutralises it with a leading quote.
    expect(file.text).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(file.text).not.toMatch(/,=HYPERLINK/);
    // The download is on the audit trail, naming who asked for the link.
    const audited = await t.db.query(`SELECT metadata FROM audit_logs WHERE action = 'export.download' AND resource_id = $1`, [exp.id]);
    expect(audited).toEqual([{ metadata: expect.objectContaining({ linkIssuedTo: ownerId, rows: exp.file.rows }) }]);

    // A tampered or expired link is refused.
    expect((await call(link.body.url.replace(/signature=[^&]+/, 'signature=AAAA'), null)).body.code).toBe('export_link_invalid');
    const links = t.app.get(ExportLinks);
    const past = Math.floor(Date.now() / 1000) - 1;
    expect((await call(`/api/v1/exports/${exp.id}/file?expires=${past}&by=${ownerId}&signature=${links.sign({ exportId: exp.id, expires: past, by: ownerId })}`, null)).body.code).toBe('export_link_invalid');
  });

  it('tenant admins export their own audit log only; filters are checked per type; expired files are purged (410)', async () => {
    const plan = await insertPlan(t, { limits: STANDARD_PLAN_LIMITS });
    const a = await provisionTenant(t, plan.code, { trialDays: 0 });
    const b = await provisionTenant(t, plan.code, { trialDays: 0 });
    await auditRow(a.id, 'a-only@example.test');
    await auditRow(b.id, 'b-only@example.test');
    const tokenA = await signInToken(t, a.slug, a.admin.email, a.admin.password);
    const tokenB = await signInToken(t, b.slug, b.admin.email, b.admin.password);

    const created = await call('/api/v1/tenant/exports', tokenA, 'POST', { type: 'audit_logs', filters: { tenantId: b.id } });
    // A tenant cannot name another tenant: the tenant filter is always the caller's.
    expect(created.status).toBe(202);
    expect(created.body.filters.tenantId).toBe(a.id);
    const exp = await done(`/api/v1/tenant/exports/${created.body.id}`, tokenA);
    expect(exp.status).toBe('succeeded');
    const link = (await call(`/api/v1/tenant/exports/${exp.id}/download`, tokenA)).body;
    const csv = (await call(link.url, null)).text;
    expect(csv).toContain('a-only@example.test');
    expect(csv).not.toContain('b-only@example.test');
    expect((await call(`/api/v1/tenant/exports/${exp.id}`, tokenB)).body.code).toBe('export_not_found');
    expect((await call(`/api/v1/tenant/exports/${exp.id}/download`, tokenB)).status).toBe(404);
    expect((await call('/api/v1/tenant/exports', tokenA, 'POST', { type: 'tenants' })).body.errors[0].field).toBe('type');

    const badFilter = await call('/api/v1/admin/exports', owner, 'POST', { type: 'usage', filters: { from: '2026-01-01T00:00:00Z' } });
    expect([badFilter.status, badFilter.body.errors[0].field]).toEqual([400, 'filters.from']);
    const backwards = await call('/api/v1/admin/exports', owner, 'POST', { type: 'invoices', filters: { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' } });
    expect([backwards.status, backwards.body.errors[0].field]).toEqual([400, 'filters.from']);
    expect((await call('/api/v1/admin/exports', owner, 'POST', { type: 'secrets' })).body.errors[0].field).toBe('type');
    const wrongStatus = await call('/api/v1/admin/exports', owner, 'POST', { type: 'invoices', filters: { status: 'trial' } });
    expect([wrongStatus.status, wrongStatus.body.errors[0].field]).toEqual([400, 'filters.status']);
    expect((await call('/api/v1/admin/exports', owner, 'POST', { type: 'invoices', filters: { status: 'paid' } })).status).toBe(202);

    // Seven days later the purge deletes the file; the record says expired; a link is 410.
    const file = resolve(process.cwd(), process.env.EXPORTS_DIR ?? './var/exports', 'exports', `${exp.id}.csv`);
    expect(existsSync(file)).toBe(true);
    await t.db.query(`UPDATE data_exports SET expires_at = now() - interval '1 second' WHERE id = $1`, [exp.id]);
    expect(await t.app.get(ExportsService).purgeExpired()).toBeGreaterThanOrEqual(1);
    expect(existsSync(file)).toBe(false);
    expect((await call(`/api/v1/tenant/exports/${exp.id}`, tokenA)).body.status).toBe('expired');
    expect((await call(`/api/v1/tenant/exports/${exp.id}/download`, tokenA)).body.code).toBe('export_expired');
    expect((await call(link.url, null)).status).toBe(410);
  });
});
