import { ExecutionContext } from '@nestjs/common';
import { randomInt, randomUUID } from 'node:crypto';
import { lastValueFrom, of } from 'rxjs';
import { QueryRunner } from 'typeorm';
// The app first: it loads every context's error codes before any controller that documents them.
import { auditRowsFor, createTestApp, expectProblem, loginStaff, OWNER, requestId, TestApp, unique } from '../../support/app';
import { AuditChannel1796227985709 } from '../../../migrations/1796227985709-AuditChannel';
import { UnitOfWork } from '../../../src/common/events';
import { AuditInterceptor, AuditService } from '../../../src/modules/audit';
import { StaffService } from '../../../src/modules/iam/staff.service';
import { UsageRecalculationService } from '../../../src/modules/usage';
import { provisionSignedInTenant, TenantFixture } from '../../support/fixtures';
import type { components } from '../../support/openapi';

type AuditLogDto = components['schemas']['AuditLogDto'];
type Channel = AuditLogDto['channel'];

/** Channel and the columns the interceptor's row does not show through auditRowsFor, by request id. */
const channelsOf = async (t: TestApp, reqId: string): Promise<{ action: string; channel: string; tenant_id: string | null }[]> =>
  t.db.query(`SELECT action, channel, tenant_id FROM audit_logs WHERE request_id = $1 ORDER BY occurred_at, id`, [reqId]);

describe('AuditService.record: several rows per request, rows of jobs, the channel column and filter', () => {
  let t: TestApp;
  let owner: string;
  let ownerId: string;
  let tenant: TenantFixture;

  beforeAll(async () => {
    t = await createTestApp();
    owner = (await loginStaff(t)).accessToken;
    ownerId = (await t.as(owner).GET('/api/v1/auth/me')).data!.id;
    tenant = await provisionSignedInTenant(t);
  });
  afterAll(() => t.close());

  const newStaff = () => ({ email: `${unique('recorded')}@example.test`, fullName: 'Rec Orded', role: 'support' as const, password: 'super-secret-password-1' });

  /**
   * Makes the next POST /admin/staff behave like a bulk action: before the change, the service
   * records one row per tenant it "changed" (channel http), then creates the staff member.
   */
  const recordTwoRowsInNextCreate = (tenantIds: [string, string]) => {
    const audit = t.app.get(AuditService);
    const staff = t.app.get(StaffService);
    const original = staff.create.bind(staff);
    return jest.spyOn(staff, 'create').mockImplementationOnce(async (dto) => {
      for (const tenantId of tenantIds) {
        await audit.record({ channel: 'http', action: 'tenants.bulkProbe', module: 'tenants', resourceType: 'tenant', resourceId: tenantId, tenantId, metadata: { probe: true } });
      }
      return original(dto);
    });
  };

  describe('from a request', () => {
    it('writes each recorded row in the request’s transaction, with its request id, actor, method and path, beside the request’s own row', async () => {
      const tenants: [string, string] = [randomUUID(), randomUUID()];
      const spy = recordTwoRowsInNextCreate(tenants);
      try {
        const id = requestId('record-ok');
        const res = await t.as(owner).POST('/api/v1/admin/staff', { body: newStaff(), headers: { 'X-Request-Id': id, 'User-Agent': 'record-e2e/1.0' } });
        expect(res.response.status).toBe(201);
        expect(spy).toHaveBeenCalledTimes(1);
        const rows = await auditRowsFor(t, id);
        expect(rows).toHaveLength(3);
        const recorded = rows.filter((r) => r.action === 'tenants.bulkProbe');
        expect(recorded.map((r) => r.tenantId).sort()).toEqual([...tenants].sort());
        for (const r of recorded) {
          expect(r).toMatchObject({
            requestId: id,
            actorType: 'platform',
            actorId: ownerId,
            actorEmail: OWNER.email,
            module: 'tenants',
            resourceType: 'tenant',
            method: 'POST',
            path: '/api/v1/admin/staff',
            statusCode: 201,
            outcome: 'success',
            errorCode: null,
            ip: '127.0.0.1',
            userAgent: 'record-e2e/1.0',
            metadata: { probe: true },
          });
        }
        expect(rows.filter((r) => r.action === 'staff.create')).toEqual([expect.objectContaining({ outcome: 'success', resourceId: res.data!.id })]);
        expect((await channelsOf(t, id)).map((r) => r.channel)).toEqual(['http', 'http', 'http']);
      } finally {
        spy.mockRestore();
      }
    });

    it('rolls the recorded rows back with the change when the request fails: only the failure row remains', async () => {
      const spy = recordTwoRowsInNextCreate([randomUUID(), randomUUID()]);
      try {
        const id = requestId('record-rollback');
        // The owner's email is taken: the change fails after both rows were recorded.
        const res = await t.as(owner).POST('/api/v1/admin/staff', { body: { ...newStaff(), email: OWNER.email }, headers: { 'X-Request-Id': id } });
        await expectProblem(res, 409, 'staff_email_taken');
        expect(spy).toHaveBeenCalledTimes(1);
        const rows = await auditRowsFor(t, id);
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({ action: 'staff.create', outcome: 'failure', statusCode: 409, errorCode: 'staff_email_taken' });
        expect((await channelsOf(t, id)).map((r) => r.channel)).toEqual(['http']);
      } finally {
        spy.mockRestore();
      }
    });

    it('refuses an http row outside an HTTP request (a job records with channel job)', async () => {
      await expect(
        t.app.get(AuditService).record({ channel: 'http', action: 'tenants.bulkProbe', module: 'tenants', resourceType: 'tenant', resourceId: null, tenantId: null }),
      ).rejects.toThrow(/channel http but no HTTP request/);
    });
  });

  describe('from a job', () => {
    it('the usage recount job records its drift correction with channel job, method JOB and the system actor', async () => {
      await t.db.query(`UPDATE usage_counters SET value = value + 7 WHERE tenant_id = $1 AND metric = 'members' AND period_start = '1970-01-01'`, [tenant.id]);
      const drift = await t.app.get(UsageRecalculationService).recalculate(tenant.id);
      expect(drift.members).toEqual({ before: expect.any(Number), after: expect.any(Number) });
      const rows: Record<string, unknown>[] = await t.db.query(
        `SELECT channel, method, path, status_code, actor_type, actor_id, request_id, outcome, changes FROM audit_logs WHERE tenant_id = $1 AND action = 'usage.drift_corrected'`,
        [tenant.id],
      );
      expect(rows).toEqual([
        { channel: 'job', method: 'JOB', path: '', status_code: 200, actor_type: 'system', actor_id: null, request_id: null, outcome: 'success', changes: { drift } },
      ]);
    });

    it('a job row written inside a transaction that rolls back is gone with it', async () => {
      const resourceId = randomUUID();
      const uow = t.app.get(UnitOfWork);
      await expect(
        uow.run(async () => {
          await t.app.get(AuditService).record({ channel: 'job', action: 'tests.jobProbe', module: 'tests', resourceType: 'probe', resourceId, tenantId: null });
          throw new Error('job failed');
        }),
      ).rejects.toThrow('job failed');
      expect(await t.db.query(`SELECT 1 FROM audit_logs WHERE resource_id = $1`, [resourceId])).toEqual([]);
      await t.app.get(AuditService).record({ channel: 'job', action: 'tests.jobProbe', module: 'tests', resourceType: 'probe', resourceId, tenantId: null });
      expect(await t.db.query(`SELECT channel FROM audit_logs WHERE resource_id = $1`, [resourceId])).toEqual([{ channel: 'job' }]);
    });
  });

  describe('channel filter on both audit lists', () => {
    const tag = randomUUID();
    const base = Date.parse('2003-01-01T00:00:00.000Z') + randomInt(0, 2 ** 39);
    const at = (s: number) => new Date(base + s * 1000).toISOString();
    const within = { from: at(0), to: at(10) };
    let ids: string[];

    beforeAll(async () => {
      ids = [];
      const rows: { channel: Channel; tenantId: string | null }[] = [
        { channel: 'http', tenantId: tenant.id },
        { channel: 'job', tenantId: tenant.id },
        { channel: 'job', tenantId: null },
        { channel: 'http', tenantId: null },
      ];
      for (const [i, r] of rows.entries()) {
        const id = randomUUID();
        ids.push(id);
        await t.db.query(
          `INSERT INTO audit_logs (id, occurred_at, channel, actor_type, tenant_id, action, method, path, status_code, outcome)
           VALUES ($1, $2, $3, 'system', $4, $5, $6, '', 200, 'success')`,
          [id, at(i), r.channel, r.tenantId, `test.${tag}.row`, r.channel === 'job' ? 'JOB' : 'POST'],
        );
      }
    });
    const idsOf = (rows: AuditLogDto[]) => rows.map((r) => ids.indexOf(r.id));

    it('GET /admin/audit-logs?channel= keeps only that channel, and shows it on every row', async () => {
      const list = async (channel?: Channel) => {
        const res = await t.as(owner).GET('/api/v1/admin/audit-logs', { params: { query: { ...within, action: `test.${tag}.row`, channel } } });
        return res.data!.data;
      };
      expect(idsOf(await list('job'))).toEqual([2, 1]);
      expect(idsOf(await list('http'))).toEqual([3, 0]);
      const all = await list();
      expect(idsOf(all)).toEqual([3, 2, 1, 0]);
      expect(all.map((r) => r.channel)).toEqual(['http', 'job', 'job', 'http']);
    });

    it('GET /tenant/audit-logs?channel= keeps only that channel of the caller’s tenant', async () => {
      const list = async (channel?: Channel) => {
        const res = await t.as(tenant.admin.accessToken).GET('/api/v1/tenant/audit-logs', { params: { query: { ...within, action: `test.${tag}.row`, channel } } });
        return res.data!.data;
      };
      expect(idsOf(await list('job'))).toEqual([1]);
      expect(idsOf(await list('http'))).toEqual([0]);
      expect((await list()).map((r) => r.channel)).toEqual(['job', 'http']);
    });

    it('an unknown channel → 400 naming channel, on both lists', async () => {
      const staffSide = await t.as(owner).GET('/api/v1/admin/audit-logs', { params: { query: { channel: 'cron' as Channel } } });
      expect((await expectProblem(staffSide, 400, 'validation_failed')).errors?.map((e) => e.field)).toEqual(['channel']);
      const tenantSide = await t.as(tenant.admin.accessToken).GET('/api/v1/tenant/audit-logs', { params: { query: { channel: 'cron' as Channel } } });
      expect((await expectProblem(tenantSide, 400, 'validation_failed')).errors?.map((e) => e.field)).toEqual(['channel']);
    });
  });

  describe('migration AuditChannel', () => {
    it('backfills rows of jobs (method JOB) to channel job, the rest to http, and leaves the table append-only', async () => {
      const migration = new AuditChannel1796227985709();
      const qr: QueryRunner = t.db.createQueryRunner();
      await qr.connect();
      await qr.startTransaction();
      try {
        // Back to the schema before the migration, inside a transaction that is rolled back below.
        await migration.down(qr);
        const job = randomUUID();
        const http = randomUUID();
        await qr.query(
          `INSERT INTO audit_logs (id, occurred_at, action, method, path, status_code, outcome)
           VALUES ($1, now(), 'tests.backfill', 'JOB', '', 200, 'success'), ($2, now(), 'tests.backfill', 'POST', '/x', 201, 'success')`,
          [job, http],
        );
        await migration.up(qr);
        expect(await qr.query(`SELECT id, channel FROM audit_logs WHERE id = ANY($1) ORDER BY channel`, [[job, http]])).toEqual([
          { id: http, channel: 'http' },
          { id: job, channel: 'job' },
        ]);
        await qr.query('SAVEPOINT still_append_only');
        await expect(qr.query(`UPDATE audit_logs SET channel = 'http' WHERE id = $1`, [job])).rejects.toThrow(/append-only/);
        await qr.query('ROLLBACK TO SAVEPOINT still_append_only');
      } finally {
        await qr.rollbackTransaction();
        await qr.release();
      }
    });
  });

  describe('the audit trail records into the request’s transaction and opens none', () => {
    it('an audited mutating call that reaches the AuditInterceptor outside a transaction is refused before its handler runs', async () => {
      const interceptor = t.app.get(AuditInterceptor);
      class Probe {
        write(): void {}
      }
      const ctx = {
        switchToHttp: () => ({ getRequest: () => ({ method: 'POST', path: '/probe', headers: {}, params: {}, body: {} }) }),
        getClass: () => Probe,
        getHandler: () => Probe.prototype.write,
      } as unknown as ExecutionContext;
      const handler = jest.fn(() => of('changed'));
      await expect(lastValueFrom(interceptor.intercept(ctx, { handle: handler }))).rejects.toThrow(/outside a transaction/);
      expect(handler).not.toHaveBeenCalled();
    });
  });
});
