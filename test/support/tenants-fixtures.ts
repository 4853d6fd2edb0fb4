import { randomUUID } from 'node:crypto';
import type { components } from './openapi';
import { TestApp, unique } from './app';

export type CreateTenantBody = components['schemas']['CreateTenantDto'];
export type CreateTenantResult = components['schemas']['CreateTenantResultDto'];

/** Plan limits as stored in plans.limits (null or absent = unlimited). */
export interface TestPlanLimits {
  members?: number | null;
  orgAdmins?: number | null;
  projects?: number | null;
  domains?: number | null;
  automationsPerMonth?: number | null;
}

/** A plan inserted straight into the catalog table (independent of the plans API). */
export interface TestPlan {
  id: string;
  code: string;
  name: string;
}

/** Inserts a plan with a unique code; `limits` default to members 10, orgAdmins 3. */
export async function createPlan(t: TestApp, opts: { limits?: TestPlanLimits; isActive?: boolean; name?: string } = {}): Promise<TestPlan> {
  const code = unique('plan');
  const name = opts.name ?? `Plan ${code}`;
  const limits = opts.limits ?? { members: 10, orgAdmins: 3, projects: 5, domains: 2, automationsPerMonth: 1000 };
  const [row]: { id: string }[] = await t.db.query(
    `INSERT INTO plans (code, name, currency, limits, features, monthly_price_cents, annual_price_cents, is_active)
     VALUES ($1, $2, 'USD', $3, '{}'::jsonb, 4900, 49000, $4) RETURNING id`,
    [code, name, JSON.stringify(limits), opts.isActive ?? true],
  );
  return { id: row.id, code, name };
}

/** A valid provisioning body with a unique slug and admin email; `overrides` replace top-level fields. */
export function tenantBody(planCode: string, overrides: Partial<CreateTenantBody> = {}): CreateTenantBody & { admin: { password?: string } } {
  const slug = unique('t');
  return {
    name: `Tenant ${slug}`,
    slug,
    contactEmail: `ops@${slug}.example`,
    planCode,
    admin: { email: `admin@${slug}.example`, fullName: 'Ada Admin', password: `pw-${randomUUID()}` },
    ...overrides,
  };
}

/** A provisioned tenant with its admin's credentials. */
export interface ProvisionedTenant {
  id: string;
  slug: string;
  admin: { id: string; email: string; password: string };
  result: CreateTenantResult;
}

/** Provisions a tenant through POST /api/v1/admin/tenants as `staffToken` (admin password given, so it can sign in). */
export async function provisionTenant(t: TestApp, staffToken: string, planCode: string, overrides: Partial<CreateTenantBody> = {}): Promise<ProvisionedTenant> {
  const body = tenantBody(planCode, overrides);
  const { data, error, response } = await t.as(staffToken).POST('/api/v1/admin/tenants', { body });
  if (!data) throw new Error(`tenant provisioning failed: ${response.status} ${JSON.stringify(error)}`);
  const password = body.admin.password ?? data.adminTemporaryPassword;
  if (!password) throw new Error('no admin password');
  return { id: data.tenant.id, slug: data.tenant.slug, admin: { id: data.admin.id, email: data.admin.email, password }, result: data };
}

/** Signs a tenant user in (POST /api/v1/auth/login) and returns the token pair. */
export async function loginTenantUser(t: TestApp, tenantSlug: string, email: string, password: string) {
  const { data, error, response } = await t.api.POST('/api/v1/auth/login', { body: { tenantSlug, email, password } });
  if (!data) throw new Error(`tenant login failed: ${response.status} ${JSON.stringify(error)}`);
  return data;
}

/** Adds a user to the tenant of `adminToken` (POST /api/v1/tenant/users) with a known password. */
export async function addTenantUser(t: TestApp, adminToken: string, role: 'admin' | 'manager' | 'member' | 'viewer' = 'member') {
  const email = `${unique(role)}@users.example`;
  const password = `pw-${randomUUID()}`;
  const { data, error, response } = await t.as(adminToken).POST('/api/v1/tenant/users', { body: { email, fullName: `Test ${role}`, role, password } });
  if (!data) throw new Error(`tenant user creation failed: ${response.status} ${JSON.stringify(error)}`);
  return { id: data.id, email, password };
}

/** Outbox rows of a tenant by event name, oldest first. */
export async function outboxEvents(t: TestApp, tenantId: string, eventName?: string): Promise<{ event_name: string; envelope: { payload: Record<string, unknown> } }[]> {
  return t.db.query(
    `SELECT event_name, envelope FROM outbox WHERE tenant_id = $1 ${eventName ? 'AND event_name = $2' : ''} ORDER BY occurred_at, id`,
    eventName ? [tenantId, eventName] : [tenantId],
  );
}
