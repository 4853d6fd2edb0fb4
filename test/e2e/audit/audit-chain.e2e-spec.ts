import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { createHash, randomUUID } from 'node:crypto';
import { QueryRunner } from 'typeorm';
// The app first: it loads every context's error codes before any controller that documents them.
import { createTestApp, loginStaff, TestApp } from '../../support/app';
import { AuditHashChain1796424544665 } from '../../../migrations/1796424544665-AuditHashChain';
import { AuditService } from '../../../src/modules/audit';
import { AUDIT_CHAIN_GENESIS, AUDIT_CHAIN_TEXT_SQL, AuditChainText, chainHashV1, personalDigestV1 } from '../../../src/modules/audit/chain/audit-chain.canonical';
import { AUDIT_QUEUE, AuditChainProcessor, PUBLISH_HEADS_JOB } from '../../../src/modules/audit/chain/audit-chain.processor';
import { provisionSignedInTenant, waitFor } from '../../support/fixtures';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/**
 * Tamper-evident audit trail (docs/adr/0029): each tenant's rows and the platform's form a hash
 * chain written by the insert trigger, verified by GET /admin/audit-logs/verify, whose heads are
 * published daily and carried by exports; pseudonymisation keeps the chain verifiable.
 */
describe('audit hash chains', () => {
  let t: TestApp;
  let owner: string;

  beforeAll(async () => {
    t = await createTestApp();
    owner = (await loginStaff(t)).accessToken;
  });
  afterAll(() => t.close());

  /** Inserts one audit row of `tenantId` (null: platform) with raw SQL, as fixtures and other contexts may. */
  const insertRow = (tenantId: string | null, extra: { action?: string; email?: string | null; changes?: string | null; at?: string; runner?: QueryRunner } = {}) =>
    (extra.runner ?? t.db).query(
      `INSERT INTO audit_logs (id, occurred_at, actor_type, actor_email, tenant_id, action, module, method, path, status_code, outcome, channel, changes)
       VALUES ($1, coalesce($6::timestamptz, clock_timestamp()), 'tenant', $2, $3, $4, 'tests', 'POST', '/x', 201, 'success', 'http', $5::jsonb)`,
      [randomUUID(), extra.email === undefined ? 'someone@example.test' : extra.email, tenantId, extra.action ?? 'tests.chain', extra.changes ?? null, extra.at ?? null],
    );
  const rowsOf = async (tenantId: string | null): Promise<(AuditChainText & { stored_prev_hash: Buffer; stored_hash: Buffer; stored_personal_digest: Buffer; pseudonymised_at: Date | null })[]> =>
    t.db.query(`SELECT ${AUDIT_CHAIN_TEXT_SQL} FROM audit_logs a WHERE a.tenant_id IS NOT DISTINCT FROM $1::uuid ORDER BY a.seq`, [tenantId]);
  const verify = async (query: { tenantId?: string; from?: string; to?: string }) => {
    const res = await t.as(owner).GET('/api/v1/admin/audit-logs/verify', { params: { query } });
    expect(res.response.status).toBe(200);
    return res.data!;
  };
  /** Runs `sql` as superuser with the append-only trigger bypassed (what an attacker with database access could do). */
  const tamper = (sql: string, params: unknown[] = []) =>
    t.db.transaction(async (m) => {
      await m.query(`SET LOCAL session_replication_role = replica`);
      await m.query(sql, params);
    });
  const freshTenant = async (rows: number): Promise<string> => {
    const tenantId = randomUUID();
    for (let i = 0; i < rows; i++) await insertRow(tenantId, { action: `tests.row${i + 1}` });
    return tenantId;
  };

  it('links every row of a tenant to the one before it; the trigger and the TypeScript canonical form agree, whatever the content', async () => {
    const tenant = await provisionSignedInTenant(t);
    // Content that an ad-hoc serialisation would get wrong: quotes, backslashes, control characters, non-ASCII, jsonb numbers and key order.
    await insertRow(tenant.id, { email: 'zoë "quoted" \\ back@example.test', changes: `{"z": 1.50, "a": [1e2, "tab\\tand\\u0001"], "é": {"nested": null}, "emoji": "🎉"}` });
    await insertRow(tenant.id, { email: null, changes: null });
    const rows = await rowsOf(tenant.id);
    expect(rows.length).toBeGreaterThanOrEqual(3); // provisioning's rows, the two above
    let prev = AUDIT_CHAIN_GENESIS;
    rows.forEach((row, i) => {
      expect(Number(row.seq)).toBe(i + 1);
      expect(row.stored_prev_hash.equals(prev)).toBe(true);
      expect(personalDigestV1(row).equals(row.stored_personal_digest)).toBe(true);
      expect(chainHashV1(prev, row).equals(row.stored_hash)).toBe(true);
      prev = row.stored_hash;
    });
    // The head names the last row; values a caller gives for the chain columns are overwritten.
    const [head] = await t.db.query(`SELECT seq::int AS seq, hash FROM audit_chain_heads WHERE scope_key = $1`, [tenant.id]);
    expect(head).toEqual({ seq: rows.length, hash: prev });
    await t.db.query(
      `INSERT INTO audit_logs (id, occurred_at, tenant_id, action, method, path, status_code, outcome, seq, prev_hash, hash, personal_digest, chain_version)
       VALUES ($1, now(), $2, 'tests.forged', 'POST', '/x', 201, 'success', 1, '\\x00', '\\x00', '\\x00', 9)`,
      [randomUUID(), tenant.id],
    );
    const [forged] = await t.db.query(`SELECT seq::int AS seq, prev_hash, chain_version FROM audit_logs WHERE tenant_id = $1 AND action = 'tests.forged'`, [tenant.id]);
    expect(forged).toEqual({ seq: rows.length + 1, prev_hash: prev, chain_version: 1 });

    const result = await verify({ tenantId: tenant.id });
    expect(result).toEqual({
      scope: 'tenant', tenantId: tenant.id, checked: rows.length + 1, pseudonymised: 0, fromSeq: 1, toSeq: rows.length + 1,
      firstBrokenLink: null, headSeq: rows.length + 1, headHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    // The platform chain (rows without a tenant: staff sign-ins) verifies too.
    const platform = await verify({});
    expect(platform).toMatchObject({ scope: 'platform', tenantId: null, firstBrokenLink: null });
    expect(platform.checked).toBeGreaterThan(0);
  });

  it('concurrent inserts: two tenants and within one tenant, in transactions of several rows — seq contiguous, no fork, verify OK', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const tx = (tenantId: string, n: number) =>
      t.db.transaction(async (m) => {
        for (let i = 0; i < n; i++) {
          await m.query(
            `INSERT INTO audit_logs (id, occurred_at, tenant_id, action, method, path, status_code, outcome) VALUES ($1, clock_timestamp(), $2, 'tests.concurrent', 'POST', '/x', 201, 'success')`,
            [randomUUID(), tenantId],
          );
          await new Promise((r) => setTimeout(r, 2));
        }
      });
    await Promise.all(Array.from({ length: 12 }, (_, i) => tx(i % 2 ? a : b, 3)));
    await Promise.all(Array.from({ length: 20 }, (_, i) => insertRow(i % 2 ? a : b)));
    for (const tenantId of [a, b]) {
      const seqs = (await t.db.query(`SELECT seq::int AS seq FROM audit_logs WHERE tenant_id = $1 ORDER BY seq`, [tenantId])).map((r: { seq: number }) => r.seq);
      expect(seqs).toEqual(Array.from({ length: 28 }, (_, i) => i + 1));
      expect(await verify({ tenantId })).toMatchObject({ checked: 28, firstBrokenLink: null, headSeq: 28 });
    }
  });

  it('an open transaction holding a tenant’s chain head makes only that tenant’s inserts wait', async () => {
    const [busy, other] = [randomUUID(), randomUUID()];
    const holder = t.db.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    try {
      await insertRow(busy, { runner: holder });
      await insertRow(other); // an unrelated tenant does not wait
      let sameDone = false;
      const same = insertRow(busy).then(() => (sameDone = true));
      // The same tenant's insert waits on the head's row lock.
      await waitFor(async () => (await t.db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO audit_logs%'`))[0].n > 0);
      expect(sameDone).toBe(false);
      await holder.commitTransaction();
      await same;
    } finally {
      await holder.release();
    }
    expect((await t.db.query(`SELECT seq::int AS seq FROM audit_logs WHERE tenant_id = $1 ORDER BY seq`, [busy])).map((r: { seq: number }) => r.seq)).toEqual([1, 2]);
  });

  it('reports a changed row at its seq (chained column, personal field), a deleted row, a re-hashed row and a stale head', async () => {
    const changed = await freshTenant(5);
    const [row3] = await t.db.query(`SELECT id, encode(hash, 'hex') AS hash FROM audit_logs WHERE tenant_id = $1 AND seq = 3`, [changed]);
    await tamper(`UPDATE audit_logs SET action = 'tests.innocent' WHERE id = $1`, [row3.id]);
    expect((await verify({ tenantId: changed })).firstBrokenLink).toEqual({
      seq: 3, id: row3.id, occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/), expectedHash: expect.stringMatching(/^[0-9a-f]{64}$/), storedHash: row3.hash, reason: 'hash_mismatch',
    });
    expect((await verify({ tenantId: changed })).checked).toBe(2);

    const personal = await freshTenant(4);
    await tamper(`UPDATE audit_logs SET actor_email = 'someone-else@example.test' WHERE tenant_id = $1 AND seq = 2`, [personal]);
    expect((await verify({ tenantId: personal })).firstBrokenLink).toMatchObject({ seq: 2, reason: 'personal_digest_mismatch' });

    const deleted = await freshTenant(5);
    await tamper(`DELETE FROM audit_logs WHERE tenant_id = $1 AND seq = 4`, [deleted]);
    expect((await verify({ tenantId: deleted })).firstBrokenLink).toEqual({ seq: 4, id: null, occurredAt: null, expectedHash: null, storedHash: null, reason: 'missing_row' });
    const truncated = await freshTenant(3);
    await tamper(`DELETE FROM audit_logs WHERE tenant_id = $1 AND seq = 3`, [truncated]);
    expect((await verify({ tenantId: truncated })).firstBrokenLink).toMatchObject({ seq: 3, reason: 'missing_row' });

    // An attacker who rewrites a row and recomputes its hash breaks the next row's link.
    const rehashed = await freshTenant(4);
    await tamper(`UPDATE audit_logs SET action = 'tests.innocent' WHERE tenant_id = $1 AND seq = 2`, [rehashed]);
    await tamper(`UPDATE audit_logs a SET hash = sha256(a.prev_hash || convert_to(audit_log_canonical_v1(a), 'UTF8')) WHERE tenant_id = $1 AND seq = 2`, [rehashed]);
    expect((await verify({ tenantId: rehashed })).firstBrokenLink).toMatchObject({ seq: 3, reason: 'prev_hash_mismatch' });

    // A head that no longer names the last row (rolled back to hide the tail).
    const stale = await freshTenant(3);
    await tamper(`DELETE FROM audit_logs WHERE tenant_id = $1 AND seq = 3`, [stale]);
    await t.db.query(`UPDATE audit_chain_heads SET seq = 3, hash = '\\x${'11'.repeat(32)}' WHERE scope_key = $1`, [stale]);
    expect((await verify({ tenantId: stale })).firstBrokenLink).toMatchObject({ seq: 3, reason: 'missing_row' });
    const headOnly = await freshTenant(2);
    await t.db.query(`UPDATE audit_chain_heads SET hash = '\\x${'11'.repeat(32)}' WHERE scope_key = $1`, [headOnly]);
    expect((await verify({ tenantId: headOnly })).firstBrokenLink).toMatchObject({ seq: 2, reason: 'head_mismatch', storedHash: '11'.repeat(32) });
  });

  it('verifies a range: from the first row at or after from to the last row before to, its first link against the row before it', async () => {
    const tenantId = randomUUID();
    // Rows a second apart (2026-03-01T10:00:01Z … 10:00:06Z), so the bounds fall between rows.
    for (let i = 1; i <= 6; i++) await insertRow(tenantId, { at: `2026-03-01T10:00:0${i}.000001Z` });
    const range = { tenantId, from: '2026-03-01T10:00:02.500Z', to: '2026-03-01T10:00:05.000Z' };
    expect(await verify(range)).toMatchObject({ fromSeq: 3, toSeq: 4, checked: 2, firstBrokenLink: null });
    // A change outside the range is not this range's problem; one inside is.
    await tamper(`UPDATE audit_logs SET action = 'x' WHERE tenant_id = $1 AND seq = 6`, [tenantId]);
    expect((await verify(range)).firstBrokenLink).toBeNull();
    expect((await verify({ tenantId })).firstBrokenLink).toMatchObject({ seq: 6, reason: 'hash_mismatch' });
    await tamper(`UPDATE audit_logs SET action = 'x' WHERE tenant_id = $1 AND seq = 4`, [tenantId]);
    expect((await verify(range)).firstBrokenLink).toMatchObject({ seq: 4, reason: 'hash_mismatch' });
    // An empty range, an unknown tenant: nothing to check, nothing broken.
    expect(await verify({ tenantId, from: '2001-01-01T00:00:00Z', to: '2001-01-02T00:00:00Z' })).toMatchObject({ checked: 0, fromSeq: null, firstBrokenLink: null });
    expect(await verify({ tenantId: randomUUID() })).toMatchObject({ checked: 0, headSeq: 0, headHash: null, firstBrokenLink: null });
  });

  it('only staff owners and admins verify; tenantId must be a uuid', async () => {
    const bad = await t.as(owner).GET('/api/v1/admin/audit-logs/verify', { params: { query: { tenantId: 'not-a-uuid' } } });
    expect(bad.response.status).toBe(400);
    expect((bad.error as Json).errors[0].field).toBe('tenantId');
    const staff = await t.as(owner).POST('/api/v1/admin/staff', { body: { email: `support-${randomUUID()}@example.test`, fullName: 'Sup Port', role: 'support', password: 'support-password-123' } });
    const support = (await loginStaff(t, staff.data!.email, 'support-password-123')).accessToken;
    expect((await t.as(support).GET('/api/v1/admin/audit-logs/verify', { params: { query: {} } })).response.status).toBe(403);
  });

  it('the daily job publishes each moved chain head as an audit event in that chain, and all of them in one platform row', async () => {
    const queue = t.app.get<Queue>(getQueueToken(AUDIT_QUEUE));
    expect((await queue.getRepeatableJobs()).filter((j) => j.name === PUBLISH_HEADS_JOB).map((j) => [j.cron, j.tz])).toEqual([['5 0 * * *', 'UTC']]);
    const tenantId = await freshTenant(3);
    const [before] = await t.db.query(`SELECT seq::int AS seq, encode(hash, 'hex') AS hash FROM audit_chain_heads WHERE scope_key = $1`, [tenantId]);
    await t.app.get(AuditChainProcessor).publish();
    const [published] = await t.db.query(`SELECT seq::int AS seq, channel, actor_type, metadata FROM audit_logs WHERE tenant_id = $1 AND action = 'audit.chain_head_published'`, [tenantId]);
    expect(published).toEqual({ seq: 4, channel: 'job', actor_type: 'system', metadata: { headSeq: 3, headHash: before.hash, day: expect.stringMatching(/^\d{4}-\d\d-\d\d$/), runId: expect.any(String) } });
    const [platform] = await t.db.query(`SELECT metadata FROM audit_logs WHERE tenant_id IS NULL AND action = 'audit.chain_head_published' AND metadata->>'runId' = $1`, [published.metadata.runId]);
    // The platform row anchors every tenant head of the run: recompute its digest from the tenant rows.
    const run: { tenant_id: string; metadata: Json }[] = await t.db.query(
      `SELECT tenant_id, metadata FROM audit_logs WHERE tenant_id IS NOT NULL AND action = 'audit.chain_head_published' AND metadata->>'runId' = $1 ORDER BY tenant_id`,
      [published.metadata.runId],
    );
    const digest = createHash('sha256');
    for (const r of run) digest.update(`${r.tenant_id} ${r.metadata.headSeq} ${r.metadata.headHash}\n`);
    expect(platform.metadata).toMatchObject({ chains: run.length, headsDigest: digest.digest('hex'), headSeq: expect.any(Number) });
    expect(await verify({ tenantId })).toMatchObject({ checked: 4, firstBrokenLink: null });
    // The next run skips the chain that has not moved since: its last publication still names its head.
    await t.app.get(AuditChainProcessor).publish();
    expect((await t.db.query(`SELECT count(*)::int AS n FROM audit_logs WHERE tenant_id = $1 AND action = 'audit.chain_head_published'`, [tenantId]))[0].n).toBe(1);
  });

  it('the audit_logs export carries seq, prevHash and hash per row and the chain head at export time', async () => {
    const tenant = await provisionSignedInTenant(t);
    await insertRow(tenant.id);
    const created = await t.as(owner).POST('/api/v1/admin/exports', { body: { type: 'audit_logs', filters: { tenantId: tenant.id }, format: 'csv' } });
    expect(created.response.status).toBe(202);
    let exp: Json;
    await waitFor(async () => {
      exp = (await t.as(owner).GET('/api/v1/admin/exports/{exportId}', { params: { path: { exportId: created.data!.id } } })).data;
      return ['succeeded', 'failed'].includes(exp.status);
    }, 15_000);
    expect(exp.status).toBe('succeeded');
    const link = (await t.as(owner).GET('/api/v1/admin/exports/{exportId}/download', { params: { path: { exportId: exp.id } } })).data!;
    const csv = await (await fetch(link.url.startsWith('http') ? link.url : `${t.baseUrl}${link.url}`)).text();
    const [header, ...lines] = csv.trim().split('\n');
    expect(header.endsWith(',channel,seq,prevHash,hash')).toBe(true);
    // The rows up to the head at export time (the download since added its own row), then the head.
    const trailer = lines[lines.length - 1].split(',');
    expect([trailer[1], trailer[6], trailer[19]]).toEqual([tenant.id, 'audit.chain_head', '']);
    const stored: { seq: string; prev: string; hash: string }[] = await t.db.query(
      `SELECT seq::text AS seq, encode(prev_hash, 'hex') AS prev, encode(hash, 'hex') AS hash FROM audit_logs WHERE tenant_id = $1 AND seq <= $2 ORDER BY occurred_at, id`,
      [tenant.id, trailer[18]],
    );
    expect(lines.slice(0, -1).map((l) => l.split(',').slice(-3))).toEqual(stored.map((r) => [r.seq, r.prev, r.hash]));
    expect(trailer.slice(-3)).toEqual([stored[stored.length - 1].seq, '', stored[stored.length - 1].hash]);
  });

  it('pseudonymiseActor rewrites only the personal fields; the chain still verifies; nothing else can be updated', async () => {
    const tenantId = randomUUID();
    const actorId = randomUUID();
    const email = 'erase.me@example.test';
    await t.db.query(
      `INSERT INTO audit_logs (id, occurred_at, actor_type, actor_id, actor_email, tenant_id, action, method, path, status_code, outcome, ip, user_agent, changes)
       VALUES ($1, now(), 'tenant', $2, 'Erase.Me@example.test', $3, 'tests.acted', 'POST', '/x', 201, 'success', '10.0.0.1', 'agent/1', '{"after": {"fullName": "Erin Ase"}}')`,
      [randomUUID(), actorId, tenantId],
    );
    await insertRow(tenantId, { email: 'admin@example.test', changes: `{"after": {"email": "${email}", "fullName": "Erin Ase"}}` });
    await insertRow(tenantId, { email: 'admin@example.test' });
    const audit = t.app.get(AuditService);
    expect(await audit.pseudonymiseActor(tenantId, { actorId, email, names: ['Erin Ase'] }, 'erased-7f3a@pseudonym.invalid')).toBe(2);
    expect(await audit.pseudonymiseActor(tenantId, { actorId, email, names: ['Erin Ase'] }, 'erased-7f3a@pseudonym.invalid')).toBe(0);
    const rows = await t.db.query(`SELECT actor_email, ip, user_agent, changes, pseudonymised_at IS NOT NULL AS p FROM audit_logs WHERE tenant_id = $1 ORDER BY seq`, [tenantId]);
    expect(rows).toEqual([
      { actor_email: 'erased-7f3a@pseudonym.invalid', ip: null, user_agent: null, changes: { after: { fullName: 'erased-7f3a@pseudonym.invalid' } }, p: true },
      { actor_email: 'admin@example.test', ip: null, user_agent: null, changes: { after: { email: 'erased-7f3a@pseudonym.invalid', fullName: 'erased-7f3a@pseudonym.invalid' } }, p: true },
      { actor_email: 'admin@example.test', ip: null, user_agent: null, changes: null, p: false },
    ]);
    expect(await verify({ tenantId })).toMatchObject({ checked: 3, pseudonymised: 2, firstBrokenLink: null });
    // The flag lets only personal columns through; without it nothing.
    await expect(
      t.db.transaction(async (m) => {
        await m.query(`SELECT set_config('audit.pseudonymise', 'on', true)`);
        await m.query(`UPDATE audit_logs SET action = 'x', pseudonymised_at = now() WHERE tenant_id = $1`, [tenantId]);
      }),
    ).rejects.toThrow(/append-only/);
    await expect(t.db.query(`UPDATE audit_logs SET actor_email = 'x', pseudonymised_at = now() WHERE tenant_id = $1`, [tenantId])).rejects.toThrow(/append-only/);
    await expect(t.db.query(`DELETE FROM audit_logs WHERE tenant_id = $1`, [tenantId])).rejects.toThrow(/append-only/);
  });

  it('the migration chains the rows already present, per scope in (occurred_at, id) order', async () => {
    const migration = new AuditHashChain1796424544665();
    const qr = t.db.createQueryRunner();
    await qr.connect();
    await qr.startTransaction();
    const tenantId = randomUUID();
    try {
      // Back to the schema before the migration, inside a transaction rolled back below.
      await migration.down(qr);
      for (const [i, at] of ['2026-01-03T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z'].entries()) {
        await qr.query(
          `INSERT INTO audit_logs (id, occurred_at, tenant_id, action, method, path, status_code, outcome) VALUES ($1, $2, $3, $4, 'POST', '/x', 201, 'success')`,
          [randomUUID(), at, tenantId, `tests.backfill${i}`],
        );
      }
      await migration.up(qr);
      const rows: (AuditChainText & { stored_prev_hash: Buffer; stored_hash: Buffer; stored_personal_digest: Buffer })[] = await qr.query(
        `SELECT ${AUDIT_CHAIN_TEXT_SQL} FROM audit_logs a WHERE a.tenant_id = $1 ORDER BY a.seq`,
        [tenantId],
      );
      expect(rows.map((r) => [r.seq, r.action])).toEqual([['1', 'tests.backfill1'], ['2', 'tests.backfill2'], ['3', 'tests.backfill0']]);
      let prev = AUDIT_CHAIN_GENESIS;
      for (const row of rows) {
        expect(personalDigestV1(row).equals(row.stored_personal_digest)).toBe(true);
        expect(chainHashV1(prev, row).equals(row.stored_hash)).toBe(true);
        prev = row.stored_hash;
      }
      // Every chain of the database was rebuilt: its head names its last row, and new rows follow on.
      const [mismatch] = await qr.query(
        `SELECT count(*)::int AS n FROM audit_chain_heads h WHERE h.hash IS DISTINCT FROM (SELECT a.hash FROM audit_logs a WHERE a.tenant_id IS NOT DISTINCT FROM nullif(h.scope_key, '00000000-0000-0000-0000-000000000000'::uuid) AND a.seq = h.seq)`,
      );
      expect(mismatch.n).toBe(0);
      await insertRow(tenantId, { runner: qr });
      expect((await qr.query(`SELECT max(seq)::int AS s FROM audit_logs WHERE tenant_id = $1`, [tenantId]))[0].s).toBe(4);
    } finally {
      await qr.rollbackTransaction();
      await qr.release();
    }
  });
});
