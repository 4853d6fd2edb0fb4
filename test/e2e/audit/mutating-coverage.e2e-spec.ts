import { Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// The app first: it loads every context's error codes before any controller that documents them.
import { auditRowsFor, createTestApp, loginStaff, rawFetch, requestId, TestApp, unique } from '../../support/app';
import { AUDIT_ACTION, OPERATION_ID, SKIP_AUDIT } from '../../../src/common/http';
import { discoveredRoutes } from '../../support/routes';

interface Operation {
  method: string;
  path: string;
  operationId: string;
}

/** A mutating handler of the running app, with the audit metadata the AuditService reads. */
interface MutatingRoute {
  where: string;
  controller: object;
  handler: object;
  operationId: string | undefined;
  action: string | undefined;
  skip: string | undefined;
}

const MUTATING = ['post', 'put', 'patch', 'delete'];
const SPEC = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, { operationId?: string }>>;
};

/** Every POST/PUT/PATCH/DELETE operation of the committed openapi.json. */
const OPERATIONS: Operation[] = Object.entries(SPEC.paths).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([method]) => MUTATING.includes(method))
    .map(([method, op]) => ({ method: method.toUpperCase(), path, operationId: op.operationId ?? '(none)' })),
);

/** Every mutating handler Nest discovered, with its audit metadata. */
function mutatingRoutes(t: TestApp): MutatingRoute[] {
  const reflector = new Reflector();
  return discoveredRoutes(t)
    .filter((r) => r.mutating)
    .map(({ controller, name, handler }) => ({
      where: `${controller.name}.${name}`,
      controller,
      handler,
      operationId: Reflect.getMetadata(OPERATION_ID, handler) as string | undefined,
      action: Reflect.getMetadata(AUDIT_ACTION, handler) as string | undefined,
      skip: reflector.getAllAndOverride<string | undefined>(SKIP_AUDIT, [handler as never, controller]),
    }));
}

/** Routes that declare neither a stable audit action nor an opt-out (the runtime audits them under a fallback and logs an error). */
const undeclared = (routes: MutatingRoute[]) => routes.filter((r) => !r.action && !r.skip).map((r) => r.where);

describe('every mutating route is audited under the action it declares', () => {
  let t: TestApp;
  let routes: MutatingRoute[];
  beforeAll(async () => {
    t = await createTestApp();
    routes = mutatingRoutes(t);
  });
  afterAll(() => t.close());

  const routeOf = (operationId: string): MutatingRoute => {
    const route = routes.find((r) => r.operationId === operationId);
    if (!route) throw new Error(`no discovered handler has operationId ${operationId}`);
    return route;
  };

  it('the spec has mutating operations to check', () => {
    expect(OPERATIONS.length).toBeGreaterThanOrEqual(7);
    expect(OPERATIONS.map((o) => o.operationId)).toEqual(expect.arrayContaining(['adminStaff_create', 'adminStaff_update', 'adminAuth_login', 'auth_logout']));
  });

  it.each(OPERATIONS.map((o) => [`${o.method} ${o.path}`, o] as const))(
    '%s writes exactly one audit row, under its declared action, when it fails fast (no token, empty body)',
    async (_name, op) => {
      const concrete = op.path.replace(/\{[^}]+\}/g, () => randomUUID());
      const id = requestId('coverage');
      const res = await rawFetch(t, concrete, { method: op.method, headers: { 'X-Request-Id': id }, json: {} });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      const rows = await auditRowsFor(t, id);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        method: op.method,
        path: concrete,
        statusCode: res.status,
        outcome: res.status === 400 || res.status === 404 || res.status === 409 || res.status === 422 ? 'failure' : 'denied',
        errorCode: expect.any(String),
        // The row names the matched route by its @Audited action, not "route.unmatched" nor its operationId.
        action: routeOf(op.operationId).action,
      });
    },
  );

  it('each mutating handler declares @Audited(action) or @SkipAudit(reason), not both; has an operationId in openapi.json; actions are unique', () => {
    const documented = new Set(OPERATIONS.map((o) => o.operationId));
    const problems: string[] = [];
    for (const r of routes) {
      if (r.action && r.skip) problems.push(`${r.where} has both @Audited('${r.action}') and @SkipAudit(${JSON.stringify(r.skip)})`);
      if (!r.operationId) problems.push(`${r.where} has no operationId (@ApiOp)`);
      else if (!documented.has(r.operationId)) problems.push(`${r.where} (${r.operationId}) is not a mutating operation of openapi.json`);
    }
    for (const where of undeclared(routes)) problems.push(`${where} has neither @Audited(action) nor @SkipAudit(reason)`);
    const byAction = new Map<string, string[]>();
    for (const r of routes.filter((x) => x.action)) byAction.set(r.action!, [...(byAction.get(r.action!) ?? []), r.where]);
    for (const [action, where] of byAction) if (where.length > 1) problems.push(`@Audited('${action}') is declared by ${where.join(', ')}`);
    expect(routes.length).toBeGreaterThanOrEqual(OPERATIONS.length);
    expect(problems).toEqual([]);
  });

  it('no mutating route opts out of the audit trail (an opt-out is added to this list with its reason, on review)', () => {
    expect(routes.filter((r) => r.skip).map((r) => `${r.where}: ${r.skip}`)).toEqual([]);
  });

  it('every action stored before routes declared one is still declared, by one route each (stored history keeps its names)', () => {
    // The dotted operationIds the routes were audited under when @Audited was introduced; a route
    // added later declares an action of its own and is not listed here.
    const history = [
      'auth.changePassword', 'auth.loginStaff', 'auth.loginTenantUser', 'auth.logout', 'auth.refresh', 'auth.resetPassword',
      'impersonations.end', 'impersonations.start', 'plans.create', 'plans.update', 'staff.create', 'staff.update',
      'tenantNotes.create', 'tenantNotes.delete', 'tenantProfile.updateSettings', 'tenantQuota.update', 'tenantUsers.activate',
      'tenantUsers.create', 'tenantUsers.deactivate', 'tenantUsers.issuePasswordReset', 'tenantUsers.update', 'tenants.activate',
      'tenants.adminPasswordReset', 'tenants.create', 'tenants.delete', 'tenants.restore', 'tenants.suspend', 'tenants.update',
      'usage.recalculate',
    ];
    expect(history.filter((action) => routes.filter((r) => r.action === action).length !== 1)).toEqual([]);
  });

  describe('StaffController.create (POST /admin/staff)', () => {
    let owner: string;
    let create: MutatingRoute;
    beforeAll(async () => {
      owner = (await loginStaff(t)).accessToken;
      create = routeOf('adminStaff_create');
    });
    const newStaff = () => ({ email: `${unique('coverage')}@example.test`, fullName: 'Cove Rage', role: 'support' as const, password: 'super-secret-password-1' });

    it('renaming its operation does not rename its history: the row keeps the declared action', async () => {
      const saved = create.operationId!;
      Reflect.defineMetadata(OPERATION_ID, 'staff_enrol', create.handler);
      try {
        const id = requestId('renamed-op');
        const res = await t.as(owner).POST('/api/v1/admin/staff', { body: newStaff(), headers: { 'X-Request-Id': id } });
        expect(res.response.status).toBe(201);
        expect((await auditRowsFor(t, id)).map((r) => r.action)).toEqual(['staff.create']);
      } finally {
        Reflect.defineMetadata(OPERATION_ID, saved, create.handler);
      }
    });

    it('without @Audited it is listed by this test, and at runtime its change is still audited (fallback action) with an error logged', async () => {
      const saved = Reflect.getMetadata(AUDIT_ACTION, create.handler) as string;
      expect(saved).toBe('staff.create');
      Reflect.deleteMetadata(AUDIT_ACTION, create.handler);
      const errors = jest.spyOn(Logger.prototype, 'error');
      try {
        expect(undeclared(mutatingRoutes(t))).toEqual(['StaffController.create']);
        // The change happens, and its row commits with it, under the action derived from the operationId.
        Reflect.defineMetadata(OPERATION_ID, 'staff_enrol', create.handler);
        const id = requestId('undeclared-audit');
        const body = newStaff();
        const res = await t.as(owner).POST('/api/v1/admin/staff', { body, headers: { 'X-Request-Id': id } });
        expect(res.response.status).toBe(201);
        expect((await auditRowsFor(t, id)).map((r) => [r.action, r.outcome, r.resourceId])).toEqual([['staff.enrol', 'success', res.data!.id]]);
        expect(errors).toHaveBeenCalledWith(expect.stringContaining('StaffController.create declares neither @Audited(action) nor @SkipAudit(reason)'));
        // A failure of the undeclared route is on record too.
        const failedId = requestId('undeclared-audit-failure');
        const failed = await t.as(owner).POST('/api/v1/admin/staff', { body, headers: { 'X-Request-Id': failedId } });
        expect(failed.response.status).toBe(409);
        expect((await auditRowsFor(t, failedId)).map((r) => [r.action, r.outcome])).toEqual([['staff.enrol', 'failure']]);
      } finally {
        errors.mockRestore();
        Reflect.defineMetadata(OPERATION_ID, create.operationId!, create.handler);
        Reflect.defineMetadata(AUDIT_ACTION, saved, create.handler);
      }
      expect(undeclared(mutatingRoutes(t))).toEqual([]);
    });
  });
});
