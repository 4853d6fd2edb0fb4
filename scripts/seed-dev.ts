/**
 * `npm run seed:dev`: fills a development database (DATABASE_URL, default control_plane) with
 * sample modules, plans, tenants and users, through the application's own services (provisioning in one
 * transaction, argon2id hashing, seat reservation, events and audit), so the data obeys the same
 * rules as data made through the API. Idempotent: plans are matched by code and tenants by slug;
 * what exists is left as it is. Refuses to run when NODE_ENV=production.
 */
import 'reflect-metadata';
import type { TransactionHost as TxHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { METRIC_CODES, type MetricCode } from '../src/modules/plans/metrics';

const DEV_PASSWORD = 'dev-password-change-me';

interface SamplePlan {
  code: string;
  name: string;
  description: string;
  monthlyPriceCents: number;
  annualPriceCents: number;
  /** A limit for every metric of the registry (the compiler asks for a new metric's value); null = unlimited. */
  limits: Record<MetricCode, number | null>;
  /** Module codes (of {@link MODULES}) the plan includes at no charge. */
  features: Record<string, boolean>;
}

interface SampleModule {
  code: string;
  name: string;
  description: string;
  pricingModel: 'flat' | 'per_seat';
  monthlyPriceCents: number;
  annualPriceCents: number;
  trialDays: number;
}

/** The module catalog of a development database (inserted before the plans that include them). */
const MODULES: SampleModule[] = [
  { code: 'crm', name: 'CRM', description: 'Contacts, companies, deals and pipelines', pricingModel: 'per_seat', monthlyPriceCents: 1200, annualPriceCents: 12000, trialDays: 14 },
  { code: 'call-analytics', name: 'Call analytics', description: 'Call recording, transcription and scoring', pricingModel: 'flat', monthlyPriceCents: 4900, annualPriceCents: 49000, trialDays: 14 },
  { code: 'campaigns', name: 'Campaigns', description: 'Email and SMS campaigns with automation', pricingModel: 'flat', monthlyPriceCents: 3900, annualPriceCents: 39000, trialDays: 7 },
  { code: 'seo', name: 'SEO', description: 'Rank tracking, site audits and keyword research', pricingModel: 'flat', monthlyPriceCents: 2900, annualPriceCents: 29000, trialDays: 0 },
  { code: 'integrations', name: 'Integrations', description: 'Partner API keys and outbound webhooks', pricingModel: 'flat', monthlyPriceCents: 1900, annualPriceCents: 19000, trialDays: 14 },
];

/** Every registry metric unlimited. */
const UNLIMITED = Object.fromEntries(METRIC_CODES.map((code) => [code, null])) as Record<MetricCode, null>;

const PLANS: SamplePlan[] = [
  {
    code: 'starter',
    name: 'Starter',
    description: 'For small teams getting started',
    monthlyPriceCents: 2900,
    annualPriceCents: 29000,
    limits: { members: 5, orgAdmins: 1, projects: 3, domains: 1, automationsPerMonth: 500 },
    features: { crm: true },
  },
  {
    code: 'growth',
    name: 'Growth',
    description: 'For growing organisations',
    monthlyPriceCents: 9900,
    annualPriceCents: 99000,
    limits: { members: 25, orgAdmins: 3, projects: 20, domains: 5, automationsPerMonth: 5000 },
    features: { crm: true, integrations: true },
  },
  {
    code: 'enterprise',
    name: 'Enterprise',
    description: 'Unlimited seats, SSO and priority support',
    monthlyPriceCents: 49900,
    annualPriceCents: 499000,
    limits: UNLIMITED,
    features: { crm: true, integrations: true, 'call-analytics': true },
  },
];

interface SampleTenant {
  name: string;
  slug: string;
  planCode: string;
  trialDays: number;
  timezone?: string;
  currency?: string;
  locale?: string;
  tags: string[];
  users: { email: string; fullName: string; role: 'manager' | 'member' | 'viewer' | 'admin' }[];
  suspendReason?: string;
  /** The plan subscription's status when not what provisioning gives (trial or active). */
  planStatus?: 'past_due' | 'suspended';
  /** Module subscriptions: subscribed (trial or paid), then optionally cancelled now or at period end. */
  modules?: { code: string; interval: 'month' | 'year'; trial: boolean; cancel?: 'now' | 'period_end' }[];
}

const TENANTS: SampleTenant[] = [
  {
    name: 'Acme Corporation',
    // Not `acme`: README's first walk provisions that slug itself.
    slug: 'acme-demo',
    planCode: 'growth',
    trialDays: 14,
    tags: ['us', 'prospect'],
    users: [
      { email: 'manager@acme.example', fullName: 'Morgan Manager', role: 'manager' },
      { email: 'member1@acme.example', fullName: 'Max Member', role: 'member' },
      { email: 'member2@acme.example', fullName: 'Mia Member', role: 'member' },
      { email: 'viewer@acme.example', fullName: 'Val Viewer', role: 'viewer' },
    ],
    modules: [{ code: 'call-analytics', interval: 'month', trial: true }],
  },
  {
    name: 'Globex GmbH',
    slug: 'globex',
    planCode: 'starter',
    trialDays: 0,
    timezone: 'Europe/Berlin',
    currency: 'EUR',
    locale: 'de-DE',
    tags: ['eu'],
    users: [
      { email: 'member@globex.example', fullName: 'Greta Mitglied', role: 'member' },
      { email: 'viewer@globex.example', fullName: 'Gustav Betrachter', role: 'viewer' },
    ],
    modules: [
      { code: 'campaigns', interval: 'month', trial: false },
      { code: 'seo', interval: 'month', trial: false, cancel: 'now' },
      { code: 'integrations', interval: 'year', trial: false },
    ],
  },
  {
    name: 'Initech',
    slug: 'initech',
    planCode: 'enterprise',
    trialDays: 0,
    tags: ['vip', 'us'],
    users: [
      { email: 'admin2@initech.example', fullName: 'Bill Lumbergh', role: 'admin' },
      { email: 'peter@initech.example', fullName: 'Peter Gibbons', role: 'member' },
    ],
    modules: [{ code: 'seo', interval: 'year', trial: false, cancel: 'period_end' }],
  },
  {
    name: 'Hooli',
    slug: 'hooli',
    planCode: 'growth',
    trialDays: 0,
    tags: ['us', 'at-risk'],
    users: [{ email: 'gavin@hooli.example', fullName: 'Gavin Belson', role: 'manager' }],
    planStatus: 'past_due',
    modules: [{ code: 'campaigns', interval: 'month', trial: true }],
  },
  {
    name: 'Umbrella Trading',
    slug: 'umbrella',
    planCode: 'starter',
    trialDays: 3,
    timezone: 'Europe/London',
    currency: 'GBP',
    locale: 'en-GB',
    tags: ['eu', 'at-risk'],
    users: [{ email: 'member@umbrella.example', fullName: 'Una Member', role: 'member' }],
    suspendReason: 'Sample data: unpaid invoice',
    planStatus: 'suspended',
  },
];

async function main(): Promise<void> {
  if (process.env.NODE_ENV === 'production') {
    process.stderr.write('seed:dev refuses to run with NODE_ENV=production: it writes sample tenants and known passwords.\n');
    process.exit(1);
  }
  const { loadConfigOrExit } = await import('../src/config/env');
  const config = loadConfigOrExit();
  const { ensureDatabase } = await import('../src/database/ensure-database');
  await ensureDatabase(config.databaseUrl);

  const { NestFactory } = await import('@nestjs/core');
  const { TransactionHost } = await import('@nestjs-cls/transactional');
  const { AppModule } = await import('../src/app.module');
  const { UnitOfWork } = await import('../src/common/events');
  const { TenantUserAccounts } = await import('../src/modules/iam');
  const { TenantProvisioningService } = await import('../src/modules/tenants/tenant-provisioning.service');
  const { TenantLifecycleService } = await import('../src/modules/tenants/tenant-lifecycle.service');
  const { SubscriptionsService } = await import('../src/modules/billing/subscriptions.service');
  const { ModuleSubscriptionsService } = await import('../src/modules/billing/module-subscriptions.service');
  const { PaymentsService } = await import('../src/modules/billing/invoicing/payments.service');

  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
  try {
    const uow = app.get(UnitOfWork);
    const txHost: TxHost<TransactionalAdapterTypeOrm> = app.get(TransactionHost);
    const provisioning = app.get(TenantProvisioningService);
    const lifecycle = app.get(TenantLifecycleService);
    const accounts = app.get(TenantUserAccounts);
    const subscriptions = app.get(SubscriptionsService);
    const moduleSubscriptions = app.get(ModuleSubscriptionsService);
    const payments = app.get(PaymentsService);
    const log = (line: string) => process.stdout.write(`${line}\n`);

    for (const m of MODULES) {
      const inserted: unknown[] = await uow.run(() =>
        txHost.tx.query(
          `INSERT INTO product_modules (code, name, description, pricing_model, monthly_price_cents, annual_price_cents, currency, trial_days)
           VALUES ($1, $2, $3, $4, $5, $6, 'USD', $7)
           ON CONFLICT (code) DO NOTHING RETURNING id`,
          [m.code, m.name, m.description, m.pricingModel, m.monthlyPriceCents, m.annualPriceCents, m.trialDays],
        ),
      );
      log(`module ${m.code}: ${inserted.length ? 'created' : 'exists, kept'}`);
    }

    for (const plan of PLANS) {
      const inserted: unknown[] = await uow.run(() =>
        txHost.tx.query(
          `INSERT INTO plans (code, name, description, currency, monthly_price_cents, annual_price_cents, is_active, limits, features)
           VALUES ($1, $2, $3, 'USD', $4, $5, true, $6, $7)
           ON CONFLICT (code) DO NOTHING RETURNING id`,
          [plan.code, plan.name, plan.description, plan.monthlyPriceCents, plan.annualPriceCents, JSON.stringify(plan.limits), JSON.stringify(plan.features)],
        ),
      );
      log(`plan ${plan.code}: ${inserted.length ? 'created' : 'exists, kept'}`);
    }

    for (const sample of TENANTS) {
      const exists: unknown[] = await txHost.tx.query(`SELECT 1 FROM tenants WHERE slug = $1`, [sample.slug]);
      if (exists.length) {
        log(`tenant ${sample.slug}: exists, kept`);
        continue;
      }
      // One transaction per tenant: its provisioning and its users commit together.
      const tenantId = await uow.run(async () => {
        const { tenant } = await provisioning.create({
          name: sample.name,
          slug: sample.slug,
          contactEmail: `ops@${sample.slug}.example`,
          billingEmail: `billing@${sample.slug}.example`,
          timezone: sample.timezone,
          currency: sample.currency,
          locale: sample.locale,
          planCode: sample.planCode,
          trialDays: sample.trialDays,
          tags: sample.tags,
          admin: { email: `admin@${sample.slug}.example`, fullName: `${sample.name} Admin`, password: DEV_PASSWORD },
        });
        for (const user of sample.users) await accounts.create(tenant.id, { ...user, password: DEV_PASSWORD });
        return tenant.id;
      });
      // Subscriptions in every state, each change in its own transaction (as through the API).
      for (const m of sample.modules ?? []) {
        await uow.run(() => moduleSubscriptions.subscribe(tenantId, m.code, { interval: m.interval, trial: m.trial }));
        if (m.cancel === 'now') await uow.run(() => moduleSubscriptions.cancelNow(tenantId, m.code, false));
        if (m.cancel === 'period_end') await uow.run(() => moduleSubscriptions.setCancelAtPeriodEnd(tenantId, m.code, true));
      }
      // Tenants in good standing paid their invoices by bank transfer (recorded as staff would);
      // the past-due and suspended ones did not.
      if (!sample.planStatus) {
        const open: { id: string }[] = await txHost.tx.query(`SELECT id FROM invoices WHERE tenant_id = $1 AND status = 'open'`, [tenantId]);
        for (const invoice of open) await uow.run(() => payments.recordOffline(invoice.id, { method: 'bank_transfer', reference: `Seed ${sample.slug}` }));
      }
      if (sample.planStatus) await uow.run(() => subscriptions.update(tenantId, { status: sample.planStatus }));
      if (sample.suspendReason) await uow.run(() => lifecycle.suspend(tenantId, sample.suspendReason!));
      const modules = (sample.modules ?? []).map((m) => `${m.code} (${m.trial ? 'trial' : m.interval}${m.cancel ? `, cancelled ${m.cancel === 'now' ? 'now' : 'at period end'}` : ''})`);
      log(
        `tenant ${sample.slug}: created on ${sample.planCode} (${sample.planStatus ?? (sample.trialDays > 0 ? 'trial' : 'active')}) with ${sample.users.length + 1} user(s)` +
          `${modules.length ? `, modules ${modules.join(', ')}` : ''}${sample.suspendReason ? ', suspended' : ''}`,
      );
    }

    // A billing history: ten weeks of renewals, a declined renewal in dunning, a churned tenant.
    const { seedBillingStory } = await import('./seed-billing-story');
    for (const line of await seedBillingStory(app, DEV_PASSWORD)) log(line);

    log('');
    log(`Sign in as a tenant user: POST /api/v1/auth/login { tenantSlug, email, password: "${DEV_PASSWORD}" }`);
    log(`  e.g. tenantSlug "acme-demo", email "admin@acme-demo.example" (admins are admin@<slug>.example).`);
    log(`Platform owner: ${config.bootstrapOwner?.email ?? '(BOOTSTRAP_OWNER_EMAIL)'} via POST /api/v1/admin/auth/login.`);
  } finally {
    await app.close();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`seed:dev failed: ${err.message}\n`);
  process.exit(1);
});
