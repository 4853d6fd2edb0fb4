import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { randomUUID } from 'node:crypto';
import { UnitOfWork } from '../../src/common/events';
import { TenantUserAccounts } from '../../src/modules/iam';
import { PlanLimits, QuotaService } from '../../src/modules/plans';
import { UsageCounters } from '../../src/modules/usage';
import { TestApp, unique } from './app';

export type Role = 'admin' | 'manager' | 'member' | 'viewer';

/** A tenant user created by a fixture, with its credentials and a signed-in token pair. */
export interface UserFixture {
  id: string;
  email: string;
  password: string;
  role: Role;
  accessToken: string;
  refreshToken: string;
}

export interface TenantFixture {
  id: string;
  slug: string;
  admin: UserFixture;
}

/** Inserts an active plan with a unique code (the plans API is exercised elsewhere). */
export async function insertPlan(t: TestApp, limits: PlanLimits = {}): Promise<string> {
  const code = unique('iam-plan').slice(0, 60);
  await t.db.query(`INSERT INTO plans (code, name, currency, limits, features, is_active) VALUES ($1, $2, 'USD', $3, '{}', true)`, [
    code,
    `Plan ${code}`,
    JSON.stringify(limits),
  ]);
  return code;
}

/** Signs a tenant user in and returns the token pair. */
export async function signIn(t: TestApp, tenantSlug: string, email: string, password: string): Promise<{ accessToken: string; refreshToken: string }> {
  const { data, error, response } = await t.api.POST('/api/v1/auth/login', { body: { tenantSlug, email, password } });
  if (!data) throw new Error(`tenant login failed: ${response.status} ${JSON.stringify(error)}`);
  return data;
}

/**
 * Provisions a tenant through the production services in one unit of work (tenant row, quota on
 * a fresh plan with `limits`, usage row, admin user with its seats), then signs the admin in.
 */
export async function provisionTenant(t: TestApp, limits: PlanLimits = {}): Promise<TenantFixture> {
  const planCode = await insertPlan(t, limits);
  const slug = unique('iam').slice(0, 60);
  const email = `admin-${slug}@example.test`;
  const password = `pw-${randomUUID()}`;
  const { id, adminId } = await t.app.get(UnitOfWork).run(async () => {
    const tx = t.app.get<TransactionHost<TransactionalAdapterTypeOrm>>(TransactionHost).tx;
    const [row]: { id: string }[] = await tx.query(`INSERT INTO tenants (name, slug, contact_email) VALUES ($1, $2, $3) RETURNING id`, [`Tenant ${slug}`, slug, email]);
    await t.app.get(QuotaService).createForTenant(row.id, planCode, 0);
    await t.app.get(UsageCounters).createForTenant(row.id);
    const { user } = await t.app.get(TenantUserAccounts).create(row.id, { email, fullName: 'Org Admin', role: 'admin', password });
    return { id: row.id, adminId: user.id };
  });
  const tokens = await signIn(t, slug, email, password);
  return { id, slug, admin: { id: adminId, email, password, role: 'admin', ...tokens } };
}

/** Adds a user to a tenant through TenantUserAccounts (seats reserved as in production) and signs it in. */
export async function addUser(t: TestApp, tenant: Pick<TenantFixture, 'id' | 'slug'>, role: Role, signInNow = true): Promise<UserFixture> {
  const email = `${unique(role)}@example.test`;
  const password = `pw-${randomUUID()}`;
  const { user } = await t.app.get(UnitOfWork).run(() =>
    t.app.get(TenantUserAccounts).create(tenant.id, { email, fullName: `Test ${role}`, role, password }),
  );
  const tokens = signInNow ? await signIn(t, tenant.slug, email, password) : { accessToken: '', refreshToken: '' };
  return { id: user.id, email, password, role, ...tokens };
}

/** The tenant's live seat counters. */
export async function usageOf(t: TestApp, tenantId: string): Promise<{ members: number; orgAdmins: number }> {
  const [row]: { members: number; orgAdmins: number }[] = await t.db.query(
    `SELECT member_count AS members, org_admin_count AS "orgAdmins" FROM tenant_usage WHERE tenant_id = $1`,
    [tenantId],
  );
  return row;
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

/** Outbox rows of an event name for a tenant, oldest first. */
export async function outboxRows(t: TestApp, eventName: string, tenantId: string): Promise<{ payload: Record<string, unknown> }[]> {
  return t.db.query(`SELECT envelope->'payload' AS payload FROM outbox WHERE event_name = $1 AND tenant_id = $2 ORDER BY occurred_at, id`, [
    eventName,
    tenantId,
  ]);
}

/** Decodes a JWT's payload (no verification; tests read their own tokens). */
export function decodeJwt(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}
