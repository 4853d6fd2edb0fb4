import { RequestMethod } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, ModulesContainer, Reflector } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AUTH_POLICY,
  AuthPolicy,
  DenyDuringImpersonation,
  IMPERSONATION_EXTENSION,
  IMPERSONATION_POLICY,
  ImpersonationPolicyValue,
  IS_PUBLIC,
} from '../../../src/common/auth';
import { API_PREFIX } from '../../../src/app.setup';
import { OPERATION_ID } from '../../../src/common/http';
import { createTestApp, expectProblem, loginStaff, rawFetch, requestId, TestApp } from '../../support/app';
import { addUser, provisionSignedInTenant, TenantFixture } from '../../support/fixtures';
import { discoveredRoutes } from '../../support/routes';

/** Who can reach a route with a token: nobody needs one (public), staff only, tenant users only, or any principal. */
type Reach = 'public' | 'platform' | 'tenant' | 'service' | 'any' | 'undeclared';

interface Route {
  where: string;
  method: string;
  /** Nest path with `:param` placeholders, prefix included. */
  path: string;
  operationId: string | undefined;
  reach: Reach;
  policy: ImpersonationPolicyValue | undefined;
  mutating: boolean;
}

const SPEC = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, Record<string, unknown> & { operationId?: string }>>;
};
const SPEC_OPERATIONS = new Map(Object.values(SPEC.paths).flatMap((item) => Object.values(item).map((op) => [op.operationId, op] as const)));

const first = (value: unknown): string => (Array.isArray(value) ? String(value[0]) : String(value ?? ''));

/** Every route of the running app, read from Nest's discovery with the metadata the PolicyGuard reads. */
function routesOf(t: TestApp): Route[] {
  const reflector = new Reflector();
  return discoveredRoutes(t).map(({ controller, name, handler, method, mutating }) => {
    const targets = [handler as never, controller];
    const auth = reflector.getAllAndOverride<AuthPolicy | null | undefined>(AUTH_POLICY, targets);
    const reach: Reach = reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)
      ? 'public'
      : auth === undefined
        ? 'undeclared'
        : auth === null
          ? 'any'
          : auth.kind;
    const path = `/${[API_PREFIX, first(Reflect.getMetadata(PATH_METADATA, controller)), first(Reflect.getMetadata(PATH_METADATA, handler))].join('/')}`
      .replace(/\/+/g, '/')
      .replace(/(.)\/$/, '$1');
    return {
      where: `${controller.name}.${name} (${RequestMethod[method]} ${path})`,
      method: RequestMethod[method],
      path,
      operationId: Reflect.getMetadata(OPERATION_ID, handler) as string | undefined,
      reach,
      policy: reflector.getAllAndOverride<ImpersonationPolicyValue | undefined>(IMPERSONATION_POLICY, targets),
      mutating,
    };
  });
}

/** A route an impersonation token gets past the kind check on: tenant-user or any-principal routes. */
const tenantReachable = (r: Route) => r.reach === 'tenant' || r.reach === 'any';

/** Mutating routes a tenant token can reach that declare no impersonation policy (the PolicyGuard refuses them). */
const undeclared = (routes: Route[]) => routes.filter((r) => r.mutating && tenantReachable(r) && !r.policy).map((r) => r.where);

describe('every mutating route a tenant token can reach declares its impersonation policy', () => {
  let t: TestApp;
  let staffToken: string;
  let tenant: TenantFixture;
  const reason = 'Customer asked for help with their users';

  beforeAll(async () => {
    t = await createTestApp();
    staffToken = (await loginStaff(t)).accessToken;
    tenant = await provisionSignedInTenant(t, { members: 50, orgAdmins: 5 });
  });
  afterAll(() => t.close());

  /** A fresh impersonation token for the tenant's admin (one per call: logging out ends a session). */
  const impersonate = async (userId?: string): Promise<string> => {
    const res = await t.as(staffToken).POST('/api/v1/admin/impersonations', { body: { tenantId: tenant.id, reason, ...(userId ? { userId } : {}) } });
    if (!res.data) throw new Error(`impersonation failed: ${res.response.status} ${JSON.stringify(res.error)}`);
    return res.data.accessToken;
  };

  it('none is undeclared (the list names each one that is)', () => {
    const routes = routesOf(t);
    const reachable = routes.filter((r) => r.mutating && tenantReachable(r)).map((r) => r.operationId);
    expect(reachable).toEqual(expect.arrayContaining(['tenantUsers_create', 'tenantUsers_issuePasswordReset', 'tenantSettings_update', 'auth_logout', 'auth_changePassword']));
    expect(undeclared(routes)).toEqual([]);
  });

  it('staff and public routes need no declaration and carry none (a tenant token is refused on the former, ignored on the latter)', () => {
    const routes = routesOf(t);
    expect(routes.filter((r) => r.mutating && r.reach === 'platform').length).toBeGreaterThan(5);
    expect(routes.filter((r) => (r.reach === 'platform' || r.reach === 'service' || r.reach === 'public') && r.policy).map((r) => r.where)).toEqual([]);
    // A route without an auth policy is refused to everyone by the PolicyGuard; none should exist.
    expect(routes.filter((r) => r.reach === 'undeclared').map((r) => r.where)).toEqual([]);
  });

  it('openapi.json publishes each tenant-reachable mutating operation’s policy as x-impersonation, and none on staff or public ones', () => {
    const mismatches: string[] = [];
    for (const r of routesOf(t)) {
      if (!r.mutating) continue;
      const published = SPEC_OPERATIONS.get(r.operationId)?.[IMPERSONATION_EXTENSION];
      const expected = tenantReachable(r) ? r.policy : undefined;
      if (published !== expected) mismatches.push(`${r.where}: ${IMPERSONATION_EXTENSION} is ${String(published)}, the route says ${String(expected)}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('@DenyDuringImpersonation() is the alias of @ImpersonationPolicy(\'denied\')', () => {
    class Probe {
      handler(): void {}
    }
    const descriptor = Object.getOwnPropertyDescriptor(Probe.prototype, 'handler')!;
    DenyDuringImpersonation()(Probe.prototype, 'handler', descriptor);
    expect(Reflect.getMetadata(IMPERSONATION_POLICY, Probe.prototype.handler)).toBe('denied');
  });

  it('at runtime, an impersonation token gets 403 impersonation_forbidden on exactly the denied routes', async () => {
    const answers: Record<string, string> = {};
    const expected: Record<string, string> = {};
    for (const r of routesOf(t).filter((x) => x.mutating && tenantReachable(x))) {
      const token = await impersonate();
      const res = await rawFetch(t, r.path.replace(/:[A-Za-z]+/g, () => randomUUID()), { method: r.method, token, json: {} });
      const body = (await res.json().catch(() => ({}))) as { code?: string };
      answers[r.where] = res.status === 403 && body.code === 'impersonation_forbidden' ? 'impersonation_forbidden' : 'passed the policy';
      expected[r.where] = r.policy === 'denied' ? 'impersonation_forbidden' : 'passed the policy';
    }
    expect(Object.keys(answers).length).toBeGreaterThanOrEqual(8);
    expect(answers).toEqual(expected);
  });

  it('a mutating route that loses its declaration is refused to impersonation tokens (fails closed) and listed; reads stay open; own tokens are unaffected', async () => {
    const member = await addUser(t, tenant, 'member', false);
    const TenantUsersController = new DiscoveryService(t.app.get(ModulesContainer)).getControllers().find((w) => w.name === 'TenantUsersController')!.metatype as object;
    // Take away the controller-wide declaration for the length of this test.
    const saved = Reflect.getMetadata(IMPERSONATION_POLICY, TenantUsersController) as ImpersonationPolicyValue;
    expect(saved).toBe('allowed');
    Reflect.deleteMetadata(IMPERSONATION_POLICY, TenantUsersController);
    try {
      expect(undeclared(routesOf(t))).toEqual([
        'TenantUsersController.create (POST /api/v1/tenant/users)',
        'TenantUsersController.update (PATCH /api/v1/tenant/users/:userId)',
        'TenantUsersController.deactivate (POST /api/v1/tenant/users/:userId/deactivate)',
        'TenantUsersController.activate (POST /api/v1/tenant/users/:userId/activate)',
      ]);
      const token = await impersonate();
      const reqId = requestId('undeclared');
      const refused = await t.as(token).PATCH('/api/v1/tenant/users/{userId}', {
        params: { path: { userId: member.id } },
        body: { fullName: 'Changed By Support' },
        headers: { 'X-Request-Id': reqId },
      });
      await expectProblem(refused, 403, 'impersonation_forbidden');
      const [row] = await t.db.query(`SELECT full_name FROM tenant_users WHERE id = $1`, [member.id]);
      expect(row.full_name).toBe('Test member');
      const [audit] = await t.db.query(`SELECT outcome, error_code, status_code, impersonator_id, action FROM audit_logs WHERE request_id = $1`, [reqId]);
      expect(audit).toMatchObject({ outcome: 'denied', error_code: 'impersonation_forbidden', status_code: 403, action: 'tenantUsers.update' });
      expect(audit.impersonator_id).toEqual(expect.any(String));

      // Reads without a declaration stay open to the impersonation token.
      expect((await t.as(token).GET('/api/v1/tenant/users')).response.status).toBe(200);
      // The tenant admin's own token is not affected by impersonation policies.
      const own = await t.as(tenant.admin.accessToken).PATCH('/api/v1/tenant/users/{userId}', { params: { path: { userId: member.id } }, body: { fullName: 'Changed By Admin' } });
      expect(own.response.status).toBe(200);
    } finally {
      Reflect.defineMetadata(IMPERSONATION_POLICY, saved, TenantUsersController);
    }
    // With the declaration back, the same call under impersonation passes.
    const token = await impersonate();
    const allowed = await t.as(token).PATCH('/api/v1/tenant/users/{userId}', { params: { path: { userId: member.id } }, body: { fullName: 'Changed By Support' } });
    expect(allowed.response.status).toBe(200);
  });
});
