import { ExportStorage } from '../../../src/common/exports';
import { BackupFilesPurge } from '../../../src/modules/tenants/backups/backup-files.purge';
import { createTestApp, loginStaff, TestApp } from '../../support/app';
import { addTenantUserViaApi, insertPlan, provisionTenantViaApi, signInToken, waitFor } from '../../support/fixtures';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** Tenant backups and restores: signed archives made by a job, downloaded once, restored all or nothing. */
describe('tenant backups and restores (/api/v1/tenant/backups, /api/v1/tenant/restores)', () => {
  let t: TestApp;
  let owner: string;
  beforeAll(async () => {
    t = await createTestApp();
    owner = (await loginStaff(t)).accessToken;
  });
  afterAll(() => t?.close());

  const call = async (path: string, token: string, method = 'GET', body?: unknown): Promise<{ status: number; body: Json; text: string; headers: Headers }> => {
    const res = await fetch(`${t.baseUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
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
  const upload = async (token: string, content: string, dryRun: boolean | undefined, filename = 'backup.json') => {
    const form = new FormData();
    form.append('file', new Blob([content], { type: 'application/json' }), filename);
    if (dryRun !== undefined) form.append('dryRun', String(dryRun));
    const res = await fetch(`${t.baseUrl}/api/v1/tenant/restores`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form });
    return { status: res.status, body: (await res.json()) as Json };
  };
  const finished = async (path: string, token: string): Promise<Json> => {
    let dto: Json;
    await waitFor(async () => {
      dto = (await call(path, token)).body;
      return ['succeeded', 'failed', 'cancelled', 'downloaded', 'expired'].includes(dto?.status);
    }, 20_000);
    return dto;
  };

  /** A tenant on a plan with `members` seats, its admin's token, and a manager and a member. */
  const tenantWith = async (members = 10) => {
    const plan = await insertPlan(t, { limits: { members, orgAdmins: 3 } });
    const tenant = await provisionTenantViaApi(t, owner, plan.code, { trialDays: 0 } as never);
    const admin = await signInToken(t, tenant.slug, tenant.admin.email, tenant.admin.password);
    const manager = await addTenantUserViaApi(t, admin, 'manager');
    const member = await addTenantUserViaApi(t, admin, 'member');
    return { tenant, admin, manager, member };
  };
  const backup = async (admin: string, includeCredentials = false): Promise<{ dto: Json; archive: Json; text: string }> => {
    const created = await call('/api/v1/tenant/backups', admin, 'POST', { includeCredentials });
    expect(created.status).toBe(202);
    const dto = await finished(`/api/v1/tenant/backups/${created.body.id}`, admin);
    expect(dto.status).toBe('succeeded');
    const file = await call(`/api/v1/tenant/backups/${dto.id}/download`, admin);
    expect(file.status).toBe(200);
    return { dto, archive: file.body, text: file.text };
  };
  const userRow = async (id: string) => (await t.db.query(`SELECT id, role, is_active, full_name FROM tenant_users WHERE id = $1`, [id]))[0];
  const snapshot = async (tenantId: string) => t.db.query(`SELECT id, email, role, is_active, full_name FROM tenant_users WHERE tenant_id = $1 ORDER BY id`, [tenantId]);

  it('a backup job writes a signed archive whose manifest counts match; no password hash unless full; one download, then 410 and the file gone', async () => {
    const { tenant, admin } = await tenantWith();
    const created = await call('/api/v1/tenant/backups', admin, 'POST', {});
    expect(created.status).toBe(202);
    expect(created.headers.get('location')).toBe(`/api/v1/tenant/backups/${created.body.id}`);
    expect(created.body).toMatchObject({ status: 'queued', includesCredentials: false, job: { type: 'tenants.backup', tenantId: tenant.id, status: 'queued' } });
    const dto = await finished(`/api/v1/tenant/backups/${created.body.id}`, admin);
    expect(dto).toMatchObject({ status: 'succeeded', counts: { users: 3, settings: 1 }, file: { bytes: expect.any(Number), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    expect(new Date(dto.expiresAt).getTime() - new Date(dto.completedAt).getTime()).toBe(3_600_000);
    const listed = await call('/api/v1/tenant/backups', admin);
    expect(listed.body.data.map((b: Json) => b.id)).toContain(dto.id);

    const file = await call(`/api/v1/tenant/backups/${dto.id}/download`, admin);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toMatch(/^application\/json/);
    expect(file.headers.get('content-disposition')).toMatch(/^attachment; filename="backup-\d{4}-\d{2}-\d{2}-[0-9a-f]{8}\.json"$/);
    const archive = file.body;
    expect(archive.manifest).toMatchObject({ format: 'control-plane-tenant-backup', schemaVersion: 2, tenantId: tenant.id, tenantSlug: tenant.slug, includesCredentials: false });
    for (const [section, n] of Object.entries(archive.manifest.counts)) expect(archive.data[section]).toHaveLength(n as number);
    expect(archive.data.users.map((u: Json) => u.email).sort()).toEqual((await snapshot(tenant.id)).map((u: Json) => u.email).sort());
    expect(file.text).not.toMatch(/passwordHash|\$argon2/);
    expect(archive.signature).toMatch(/^v1\.[A-Za-z0-9_-]{43}$/);
    // The file downloaded is the one the backup describes.
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(file.text).digest('hex')).toBe(dto.file.sha256);

    // Once fully sent, the archive is deleted from the server: a second download is 410.
    const storage = t.app.get(ExportStorage);
    await waitFor(async () => (await storage.size(`backups/${dto.id}.json`)) === null);
    const again = await call(`/api/v1/tenant/backups/${dto.id}/download`, admin);
    expect(again.status).toBe(410);
    expect(again.body.code).toBe('backup_gone');
    expect((await call(`/api/v1/tenant/backups/${dto.id}`, admin)).body).toMatchObject({ status: 'downloaded', downloadedAt: expect.any(String) });
    // Audited: the request's row and the download's row.
    const audit = await t.db.query(`SELECT action FROM audit_logs WHERE tenant_id = $1 AND resource_id = $2 ORDER BY occurred_at`, [tenant.id, dto.id]);
    expect(audit.map((a: Json) => a.action)).toEqual(['tenantBackups.create', 'tenantBackups.download']);

    // A full archive carries the password hashes.
    const full = await backup(admin, true);
    expect(full.archive.manifest.includesCredentials).toBe(true);
    expect(full.archive.data.users.every((u: Json) => /^\$argon2id\$/.test(u.passwordHash))).toBe(true);
  });

  it('restore after deactivating a user: a dry run reports it and changes nothing; the restore brings it back (same id, role) in one transaction, audited', async () => {
    const { tenant, admin, manager } = await tenantWith();
    const { archive, text } = await backup(admin);
    expect((await call(`/api/v1/tenant/users/${manager.id}/deactivate`, admin, 'POST')).status).toBe(200);
    // Its role changed too, after the backup.
    await t.db.query(`UPDATE tenant_users SET role = 'viewer' WHERE id = $1`, [manager.id]);
    const later = await addTenantUserViaApi(t, admin, 'member');
    const before = await snapshot(tenant.id);

    const dry = await upload(admin, text, true);
    expect(dry.status).toBe(202);
    expect(dry.body).toMatchObject({ dryRun: true, status: 'queued', archive: { schemaVersion: 2, tenantSlug: tenant.slug, counts: archive.manifest.counts }, job: { type: 'tenants.restore' } });
    const dryDone = await finished(`/api/v1/tenant/restores/${dry.body.id}`, admin);
    expect(dryDone.status).toBe('succeeded');
    expect(dryDone.job.result).toMatchObject({ dryRun: true, applied: false, wouldSucceed: true });
    expect(dryDone.sections.users).toEqual({ create: 0, update: 1, unchanged: 2, skipped: 0 });
    const changes = await call(`/api/v1/tenant/restores/${dry.body.id}/changes?outcome=would_change`, admin);
    expect(changes.body.data).toEqual([
      expect.objectContaining({ itemKey: `users:${manager.id}`, outcome: 'would_change', detail: { section: 'users', action: 'update', changes: { role: { before: 'viewer', after: 'manager' }, isActive: { before: false, after: true } } } }),
    ]);
    expect(await snapshot(tenant.id)).toEqual(before);
    // The upload is gone once its restore ran.
    expect(await t.app.get(ExportStorage).size(`restores/${dry.body.id}.json`)).toBeNull();

    const real = await upload(admin, text, false);
    expect(real.status).toBe(202);
    const done = await finished(`/api/v1/tenant/restores/${real.body.id}`, admin);
    expect(done).toMatchObject({ status: 'succeeded', dryRun: false, sections: { users: { update: 1 } } });
    expect(await userRow(manager.id)).toMatchObject({ id: manager.id, role: 'manager', is_active: true });
    // Created after the backup: kept.
    expect(await userRow(later.id)).toMatchObject({ is_active: true });
    // The restored user signs in again with its own password (never changed by a restore).
    await signInToken(t, tenant.slug, manager.email, manager.password);
    // Seats follow: 4 active users.
    const seats = await t.db.query(`SELECT value FROM usage_counters WHERE tenant_id = $1 AND metric = 'members'`, [tenant.id]);
    expect(Number(seats[0].value)).toBe(4);
    const audit = await t.db.query(`SELECT action, resource_type, resource_id, channel FROM audit_logs WHERE tenant_id = $1 AND (action LIKE 'tenants.restore%' OR action = 'tenantRestores.create') ORDER BY occurred_at`, [tenant.id]);
    expect(audit).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'tenantRestores.create', resource_id: real.body.id, channel: 'http' }),
        expect.objectContaining({ action: 'tenants.restore.update', resource_type: 'tenant_user', resource_id: manager.id, channel: 'job' }),
        expect.objectContaining({ action: 'tenants.restore', resource_type: 'tenant_restore', resource_id: real.body.id, channel: 'job' }),
      ]),
    );
  });

  it('a tampered archive (one byte of data changed) is refused with 422 and nothing changes', async () => {
    const { tenant, admin, member } = await tenantWith();
    const { text } = await backup(admin);
    await call(`/api/v1/tenant/users/${member.id}/deactivate`, admin, 'POST');
    const before = await snapshot(tenant.id);
    const tampered = text.replace('"role":"member"', '"role":"admin"');
    expect(tampered).not.toBe(text);
    const res = await upload(admin, tampered, false);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'backup_signature_invalid', field: 'file' });
    expect(await snapshot(tenant.id)).toEqual(before);
    expect(await t.db.query(`SELECT id FROM tenant_restores WHERE tenant_id = $1`, [tenant.id])).toEqual([]);
    // Not JSON: 400 naming file; not an archive: 422.
    const notJson = await upload(admin, 'not json {', true);
    expect(notJson.status).toBe(400);
    expect(notJson.body.errors).toEqual([expect.objectContaining({ field: 'file' })]);
    expect((await upload(admin, '{"hello":1}', true)).body.code).toBe('backup_invalid');
  });

  it('another tenant’s archive → 422; another tenant cannot read your backups or restores (404)', async () => {
    const a = await tenantWith();
    const b = await tenantWith();
    const { dto, text } = await backup(a.admin);
    const res = await upload(b.admin, text, true);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('backup_foreign_tenant');
    expect((await call(`/api/v1/tenant/backups/${dto.id}`, b.admin)).status).toBe(404);
    expect((await call(`/api/v1/tenant/backups/${dto.id}`, b.admin)).body.code).toBe('backup_not_found');
    expect((await call(`/api/v1/tenant/backups/${dto.id}/download`, b.admin)).status).toBe(404);
    const mine = await upload(a.admin, text, true);
    expect((await call(`/api/v1/tenant/restores/${mine.body.id}`, b.admin)).status).toBe(404);
    expect((await call(`/api/v1/tenant/restores/${mine.body.id}/changes`, b.admin)).status).toBe(404);
    expect((await call('/api/v1/tenant/backups', b.admin)).body.data.map((x: Json) => x.id)).not.toContain(dto.id);
    // Members of the tenant are not admins: 403.
    const memberToken = await signInToken(t, a.tenant.slug, a.member.email, a.member.password);
    expect((await call('/api/v1/tenant/backups', memberToken)).status).toBe(403);
  });

  it('a restore that would exceed the members limit fails with quota_exceeded and changes nothing (dry run reports it)', async () => {
    const { tenant, admin, manager, member } = await tenantWith(3);
    const { text } = await backup(admin);
    await call(`/api/v1/tenant/users/${manager.id}/deactivate`, admin, 'POST');
    await call(`/api/v1/tenant/users/${member.id}/deactivate`, admin, 'POST');
    // Two new users take the freed seats: bringing both back would need 5 of 3.
    await addTenantUserViaApi(t, admin, 'viewer');
    await addTenantUserViaApi(t, admin, 'viewer');
    const before = await snapshot(tenant.id);

    const dry = await finished(`/api/v1/tenant/restores/${(await upload(admin, text, true)).body.id}`, admin);
    expect(dry.job.result).toMatchObject({ dryRun: true, wouldSucceed: false, problem: { code: 'quota_exceeded', metric: 'members', limit: 3 } });
    const real = await finished(`/api/v1/tenant/restores/${(await upload(admin, text, false)).body.id}`, admin);
    expect(real).toMatchObject({ status: 'failed', job: { error: { code: 'quota_exceeded' } } });
    expect(await snapshot(tenant.id)).toEqual(before);
    expect(await t.db.query(`SELECT id FROM audit_logs WHERE tenant_id = $1 AND action LIKE 'tenants.restore%'`, [tenant.id])).toEqual([]);
  });

  it('a full archive re-creates a removed user with its id, role and password; the purge deletes archives after an hour', async () => {
    const { tenant, admin, member } = await tenantWith();
    const { text } = await backup(admin, true);
    // The user is gone entirely (as after an erasure), not only deactivated.
    await call(`/api/v1/tenant/users/${member.id}/deactivate`, admin, 'POST');
    await t.db.query(`DELETE FROM tenant_users WHERE id = $1`, [member.id]);
    const done = await finished(`/api/v1/tenant/restores/${(await upload(admin, text, false)).body.id}`, admin);
    expect(done).toMatchObject({ status: 'succeeded', sections: { users: { create: 1 } } });
    expect(await userRow(member.id)).toMatchObject({ role: 'member', is_active: true });
    await signInToken(t, tenant.slug, member.email, member.password);

    // A backup nobody downloads is deleted an hour after it was written.
    const created = await call('/api/v1/tenant/backups', admin, 'POST', {});
    const dto = await finished(`/api/v1/tenant/backups/${created.body.id}`, admin);
    expect(await t.app.get(ExportStorage).size(`backups/${dto.id}.json`)).not.toBeNull();
    await t.db.query(`UPDATE tenant_backups SET expires_at = now() - interval '1 second' WHERE id = $1`, [dto.id]);
    expect(await t.app.get(BackupFilesPurge).purgeDue()).toBeGreaterThanOrEqual(1);
    expect(await t.app.get(ExportStorage).size(`backups/${dto.id}.json`)).toBeNull();
    expect((await call(`/api/v1/tenant/backups/${dto.id}`, admin)).body.status).toBe('expired');
    expect((await call(`/api/v1/tenant/backups/${dto.id}/download`, admin)).body.code).toBe('backup_gone');
  });
});
