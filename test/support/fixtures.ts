import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { randomUUID } from 'node:crypto';
import { UnitOfWork } from '../../src/common/events';
import { OutboxDispatcher } from '../../src/common/events/outbox-dispatcher';
import { TenantUserAccounts } from '../../src/modules/iam';
import { SubscriptionsService } from '../../src/modules/billing';
import { COUNT_PERIOD_START, PlanLimits } from '../../src/modules/plans';
import { UsageCounters } from '../../src/modules/usage';
import type { components } from './openapi';
import { loginStaff, TestApp, unique } from './app';

export type Role = 'admin' | 'manager' | 'member' | 'viewer';

// ---------------------------------------------------------------------------------------------
// Plans
// ---------------------------------------------------------------------------------------------

/** A plan inserted straight into the catalog table (independent of the plans API). */
export interface TestPlan {
  id: string;
  code: string;
  name: string;
}

/** Options of {@link insertPlan}; `limits` and `features` default to `{}` (unlimited, no features). */
export interface PlanOptions {
  limits?: PlanLimits;
  features?: Record<string, boolean>;
  isActive?: boolean;
  name?: string;
}

/** Typical finite limits for tests that need "a normal plan" (members 10, orgAdmins 3, …). */
export const STANDARD_PLAN_LIMITS: PlanLimits = { members: 10, orgAdmins: 3, projects: 5, domains: 2, automationsPerMonth: 1000 };

/** Inserts a plan with a unique code directly by SQL (active unless `isActive: false`) and returns its id, code and name. */
export async function insertPlan(t: TestApp, opts: PlanOptions = {}): Promise<TestPlan> {
  const code = unique('plan').toLowerCase().slice(0, 60);
  const name = opts.name ?? `Plan ${code}`;
  const [row]: { id: string }[] = await t.db.query(
    `INSERT INTO plans (code, name, currency, limits, features, monthly_price_cents, annual_price_cents, is_active)
     VALUES ($1, $2, 'USD', $3, $4, 4900, 49000, $5) RETURNING id`,
    [code, name, JSON.stringify(opts.limits ?? {}), JSON.stringify(opts.features ?? {}), opts.isActive ?? true],
  );
  return { id: row.id, code, name };
}

// ---------------------------------------------------------------------------------------------
// Sign-in
// ---------------------------------------------------------------------------------------------

/** An access/refresh token pair of a signed-in tenant user. */
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

/** Signs a tenant user in (POST /api/v1/auth/login) and returns the token pair. */
export async function signIn(t: TestApp, tenantSlug: string, email: string, password: string): Promise<TokenPair> {
  const { data, error, response } = await t.api.POST('/api/v1/auth/login', { body: { tenantSlug, email, password } });
  if (!data) throw new Error(`tenant login failed: ${response.status} ${JSON.stringify(error)}`);
  return data;
}

/** Signs a tenant user in and returns only the access token. */
export async function signInToken(t: TestApp, tenantSlug: string, email: string, password: string): Promise<string> {
  return (await signIn(t, tenantSlug, email, password)).accessToken;
}

// ---------------------------------------------------------------------------------------------
// Service-level tenants and users
// ---------------------------------------------------------------------------------------------

/** A tenant with its admin's id and credentials. */
export interface ProvisionedTenant {
  id: string;
  slug: string;
  admin: { id: string; email: string; password: string };
}

/** A tenant user created by a fixture, with its credentials and (when signed in) its token pair. */
export interface UserFixture extends TokenPair {
  id: string;
  email: string;
  password: string;
  role: Role;
}

/** A provisioned tenant whose admin is already signed in. */
export interface TenantFixture extends ProvisionedTenant {
  admin: UserFixture;
}

/**
 * Provisions a tenant through the production services in one unit of work (tenant row, quota on
 * `planCode` with `trialDays` of trial (plan subscription and quota), usage row, admin user with its seats). Does not sign in.
 */
export async function provisionTenant(t: TestApp, planCode: string, opts: { trialDays?: number } = {}): Promise<ProvisionedTenant> {
  const slug = unique('t').toLowerCase().slice(0, 60);
  const email = `admin-${slug}@example.test`;
  const password = `pw-${randomUUID()}`;
  return t.app.get(UnitOfWork).run(async () => {
    const tx = t.app.get<TransactionHost<TransactionalAdapterTypeOrm>>(TransactionHost).tx;
    const [row]: { id: string }[] = await tx.query(`INSERT INTO tenants (name, slug, contact_email) VALUES ($1, $2, $3) RETURNING id`, [`Tenant ${slug}`, slug, email]);
    await t.app.get(SubscriptionsService).startPlanSubscription(row.id, { planCode, trialDays: opts.trialDays ?? 14 });
    await t.app.get(UsageCounters).createForTenant(row.id);
    const { user } = await t.app.get(TenantUserAccounts).create(row.id, { email, fullName: 'Org Admin', role: 'admin', password });
    return { id: row.id, slug, admin: { id: user.id, email, password } };
  });
}

/**
 * Inserts a fresh plan with `limits`, provisions a tenant on it without a trial
 * ({@link provisionTenant}), then signs the admin in.
 */
export async function provisionSignedInTenant(t: TestApp, limits: PlanLimits = {}): Promise<TenantFixture> {
  const plan = await insertPlan(t, { limits });
  const tenant = await provisionTenant(t, plan.code, { trialDays: 0 });
  const tokens = await signIn(t, tenant.slug, tenant.admin.email, tenant.admin.password);
  return { ...tenant, admin: { ...tenant.admin, role: 'admin', ...tokens } };
}

/**
 * Adds a user to a tenant through TenantUserAccounts (seats reserved as in production) and, unless
 * `signInNow` is false, signs it in (otherwise the tokens are empty strings).
 */
export async function addUser(t: TestApp, tenant: Pick<ProvisionedTenant, 'id' | 'slug'>, role: Role, signInNow = true): Promise<UserFixture> {
  const email = `${unique(role)}@example.test`;
  const password = `pw-${randomUUID()}`;
  const { user } = await t.app.get(UnitOfWork).run(() =>
    t.app.get(TenantUserAccounts).create(tenant.id, { email, fullName: `Test ${role}`, role, password }),
  );
  const tokens = signInNow ? await signIn(t, tenant.slug, email, password) : { accessToken: '', refreshToken: '' };
  return { id: user.id, email, password, role, ...tokens };
}

// ---------------------------------------------------------------------------------------------
// HTTP-API tenants and users
// ---------------------------------------------------------------------------------------------

export type CreateTenantBody = components['schemas']['CreateTenantDto'];
export type CreateTenantResult = components['schemas']['CreateTenantResultDto'];

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

/** A tenant provisioned through the API, with its admin's credentials and the API's response. */
export interface ApiProvisionedTenant extends ProvisionedTenant {
  result: CreateTenantResult;
}

/** Provisions a tenant through POST /api/v1/admin/tenants as `staffToken` (admin password given, so it can sign in). */
export async function provisionTenantViaApi(
  t: TestApp,
  staffToken: string,
  planCode: string,
  overrides: Partial<CreateTenantBody> = {},
): Promise<ApiProvisionedTenant> {
  const body = tenantBody(planCode, overrides);
  const { data, error, response } = await t.as(staffToken).POST('/api/v1/admin/tenants', { body });
  if (!data) throw new Error(`tenant provisioning failed: ${response.status} ${JSON.stringify(error)}`);
  const password = body.admin.password ?? data.adminTemporaryPassword;
  if (!password) throw new Error('no admin password');
  return { id: data.tenant.id, slug: data.tenant.slug, admin: { id: data.admin.id, email: data.admin.email, password }, result: data };
}

/** Adds a user to the tenant of `adminToken` (POST /api/v1/tenant/users) with a known password. */
export async function addTenantUserViaApi(t: TestApp, adminToken: string, role: Role = 'member'): Promise<{ id: string; email: string; password: string }> {
  const email = `${unique(role)}@users.example`;
  const password = `pw-${randomUUID()}`;
  const { data, error, response } = await t.as(adminToken).POST('/api/v1/tenant/users', { body: { email, fullName: `Test ${role}`, role, password } });
  if (!data) throw new Error(`tenant user creation failed: ${response.status} ${JSON.stringify(error)}`);
  return { id: data.id, email, password };
}

// ---------------------------------------------------------------------------------------------
// Reading state
// ---------------------------------------------------------------------------------------------

/** An outbox row: the event name, its envelope, and (for convenience) the envelope's payload. */
export interface OutboxEvent {
  event_name: string;
  envelope: { payload: Record<string, unknown> };
  payload: Record<string, unknown>;
}

/** Outbox rows of a tenant (optionally only of one event name), oldest first. */
export async function outboxEvents(t: TestApp, tenantId: string, eventName?: string): Promise<OutboxEvent[]> {
  return t.db.query(
    `SELECT event_name, envelope, envelope->'payload' AS payload FROM outbox WHERE tenant_id = $1 ${eventName ? 'AND event_name = $2' : ''} ORDER BY occurred_at, id`,
    eventName ? [tenantId, eventName] : [tenantId],
  );
}

/** The tenant's live seat counters (levels: the counter rows at the fixed period start). */
export async function usageOf(t: TestApp, tenantId: string): Promise<{ members: number; orgAdmins: number }> {
  const rows: { metric: string; value: string }[] = await t.db.query(
    `SELECT metric, value FROM usage_counters WHERE tenant_id = $1 AND metric IN ('members', 'orgAdmins') AND period_start = $2`,
    [tenantId, COUNT_PERIOD_START],
  );
  const value = (metric: string) => Number(rows.find((r) => r.metric === metric)?.value ?? 0);
  return { members: value('members'), orgAdmins: value('orgAdmins') };
}

/** Counts the tenant's active users (and active admins) from the source table. */
export async function activeUsersOf(t: TestApp, tenantId: string): Promise<{ members: number; orgAdmins: number }> {
  const [row]: { members: string; orgAdmins: string }[] = await t.db.query(
    `SELECT count(*) FILTER (WHERE is_active) AS members, count(*) FILTER (WHERE is_active AND role = 'admin') AS "orgAdmins"
       FROM tenant_users WHERE tenant_id = $1`,
    [tenantId],
  );
  return { members: Number(row.members), orgAdmins: Number(row.orgAdmins) };
}

/** Decodes a JWT's payload (no verification; tests read their own tokens). */
export function decodeJwt(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

/**
 * Polls `check` every 25 ms until it returns true, for up to `timeoutMs` (work that happens after
 * commit, e.g. an event consumer refreshing a Redis copy). @throws Error when it never does.
 */
export async function waitFor(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Waits until this app instance's deferred event consumers (notifications, webhook fan-out:
 * `@OnEvent(…, { deferred: true })`) have finished the events committed so far.
 */
export async function eventsSettled(t: TestApp): Promise<void> {
  await t.app.get(OutboxDispatcher).idle();
}

// ---------------------------------------------------------------------------------------------
// Product-module services
// ---------------------------------------------------------------------------------------------

/** A service client registered through the admin API, with its secret. */
export interface ServiceClientFixture {
  id: string;
  clientId: string;
  clientSecret: string;
}

/** Registers a service client as the bootstrap owner (POST /admin/service-clients). */
export async function registerServiceClient(t: TestApp, scopes: string[], opts: { moduleCode?: string; name?: string } = {}): Promise<ServiceClientFixture> {
  const owner = (await loginStaff(t)).accessToken;
  const res = await fetch(`${t.baseUrl}/api/v1/admin/service-clients`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${owner}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: opts.name ?? unique('svc'), scopes, ...(opts.moduleCode ? { moduleCode: opts.moduleCode } : {}) }),
  });
  if (res.status !== 201) throw new Error(`service client registration failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as ServiceClientFixture;
  return { id: body.id, clientId: body.clientId, clientSecret: body.clientSecret };
}

/** POST /api/v1/oauth/token with HTTP Basic client authentication (RFC 6749 §2.3.1); the raw response. */
export async function requestServiceToken(t: TestApp, clientId: string, clientSecret: string, form: Record<string, string> = { grant_type: 'client_credentials' }): Promise<Response> {
  const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64');
  return fetch(`${t.baseUrl}/api/v1/oauth/token`, {
    method: 'POST',
    headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
}

/** Registers a service client with `scopes` and returns an access token of kind `service` for it. */
export async function serviceToken(t: TestApp, scopes: string[], opts: { moduleCode?: string } = {}): Promise<string> {
  const client = await registerServiceClient(t, scopes, opts);
  const res = await requestServiceToken(t, client.clientId, client.clientSecret);
  if (res.status !== 200) throw new Error(`service token failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Puts module `code` in the catalog unless it is there (a plan then includes it with `features: { [code]: true }`). */
export async function ensureCatalogModule(t: TestApp, code: string): Promise<void> {
  await t.db.query(
    `INSERT INTO product_modules (code, name, currency, monthly_price_cents, annual_price_cents, trial_days) VALUES ($1, $1, 'USD', 1900, 19000, 14) ON CONFLICT (code) DO NOTHING`,
    [code],
  );
}
