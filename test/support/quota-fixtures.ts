import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { UnitOfWork } from '../../src/common/events';
import { TenantUserAccounts } from '../../src/modules/iam';
import { PlanLimits, QuotaService } from '../../src/modules/plans';
import { UsageCounters } from '../../src/modules/usage';
import { TestApp, unique } from './app';

/** Creates an active plan directly (unique code) and returns its code. */
export async function createPlan(t: TestApp, limits: PlanLimits = {}, features: Record<string, boolean> = {}): Promise<string> {
  const code = unique('plan').toLowerCase().slice(0, 60);
  await t.db.query(
    `INSERT INTO plans (code, name, currency, limits, features, monthly_price_cents, annual_price_cents, is_active) VALUES ($1, $2, 'USD', $3, $4, 1000, 10000, true)`,
    [code, `Plan ${code}`, JSON.stringify(limits), JSON.stringify(features)],
  );
  return code;
}

/** A tenant provisioned through the same services as production, with an admin who can sign in. */
export interface ProvisionedTenant {
  tenantId: string;
  slug: string;
  adminId: string;
  adminEmail: string;
  adminPassword: string;
}

/** Provisions a tenant (tenant row, quota, usage row, admin user with seats) in one unit of work. */
export async function provisionTenant(t: TestApp, planCode: string, trialDays = 14): Promise<ProvisionedTenant> {
  const slug = unique('t').toLowerCase().slice(0, 60);
  const adminEmail = `${slug}@example.com`;
  const adminPassword = 'tenant-admin-password-1';
  return t.app.get(UnitOfWork).run(async () => {
    const tx = t.app.get<TransactionHost<TransactionalAdapterTypeOrm>>(TransactionHost).tx;
    const [{ id: tenantId }]: { id: string }[] = await tx.query(`INSERT INTO tenants (name, slug, contact_email) VALUES ($1, $2, $3) RETURNING id`, [`Tenant ${slug}`, slug, adminEmail]);
    await t.app.get(QuotaService).createForTenant(tenantId, planCode, trialDays);
    await t.app.get(UsageCounters).createForTenant(tenantId);
    const { user } = await t.app.get(TenantUserAccounts).create(tenantId, { email: adminEmail, fullName: 'Tenant Admin', role: 'admin', password: adminPassword });
    return { tenantId, slug, adminId: user.id, adminEmail, adminPassword };
  });
}

/** Signs in a tenant user and returns the access token. */
export async function loginTenant(t: TestApp, tenantSlug: string, email: string, password: string): Promise<string> {
  const { data, error, response } = await t.api.POST('/api/v1/auth/login', { body: { tenantSlug, email, password } });
  if (!data) throw new Error(`tenant login failed: ${response.status} ${JSON.stringify(error)}`);
  return data.accessToken;
}

/** Adds a user with a role to a provisioned tenant (seats reserved) and returns a signed-in token. */
export async function addUser(t: TestApp, tenant: ProvisionedTenant, role: 'admin' | 'manager' | 'member' | 'viewer'): Promise<{ id: string; token: string }> {
  const email = `${unique(role)}@example.com`;
  const password = 'tenant-user-password-1';
  const { user } = await t.app.get(UnitOfWork).run(() => t.app.get(TenantUserAccounts).create(tenant.tenantId, { email, fullName: role, role, password }));
  return { id: user.id, token: await loginTenant(t, tenant.slug, email, password) };
}
