/**
 * The billing history of `npm run seed:dev`: four USD tenants on the growth plan whose last ten
 * weeks are replayed through the application's own services — trial ends, renewals charged through
 * the sandbox gateway, a declined renewal retried and enforced, a cancellation at period end — so
 * that invoices, payments, failed payments, dunning and revenue metrics have a past to show.
 *
 * The replay moves the application's Clock (this script's instance only, a development database
 * only; the service itself has no way to move it): each step runs at its instant, then waits until
 * the charges it started have their outcome. Dates are relative to the real now (`T` = today
 * 09:00 UTC − 70 days), so the story always ends in the present. The figures it produces are worked
 * out by hand in docs/seed-billing.md.
 */
import type { INestApplicationContext } from '@nestjs/common';
import type { TransactionHost as TxHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';

const DAY = 86_400_000;

/** The story's tenants: slug → what happens to it. */
export const STORY_TENANTS = ['stark-industries', 'wayne-enterprises', 'oscorp', 'cyberdyne'] as const;

/** The story's start: today 09:00 UTC − 70 days. */
export function storyStart(now: Date): Date {
  const day = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 9);
  return new Date(day - 70 * DAY);
}

/**
 * Replays the story (tenants that exist are left alone). `password` is every story admin's.
 * Returns one log line per tenant.
 */
export async function seedBillingStory(app: INestApplicationContext, password: string): Promise<string[]> {
  const { Clock, addBillingPeriods } = await import('../src/common/time');
  const { UnitOfWork } = await import('../src/common/events');
  const { TransactionHost } = await import('@nestjs-cls/transactional');
  const { TenantProvisioningService } = await import('../src/modules/tenants/tenant-provisioning.service');
  const { BillingLifecycleService } = await import('../src/modules/billing/billing-lifecycle.service');
  const { PaymentCollectionService } = await import('../src/modules/billing/collection/payment-collection.service');
  const { SubscriptionsService } = await import('../src/modules/billing/subscriptions.service');
  const { ModuleSubscriptionsService } = await import('../src/modules/billing/module-subscriptions.service');

  const uow = app.get(UnitOfWork);
  const txHost: TxHost<TransactionalAdapterTypeOrm> = app.get(TransactionHost);
  const provisioning = app.get(TenantProvisioningService);
  const lifecycle = app.get(BillingLifecycleService);
  const collection = app.get(PaymentCollectionService);
  const subscriptions = app.get(SubscriptionsService);
  const modules = app.get(ModuleSubscriptionsService);
  const clock = app.get(Clock);
  const realNow = clock.now.bind(clock);
  const start = storyStart(realNow());
  let at = start;
  clock.now = () => new Date(at.getTime());

  const lines: string[] = [];
  const existing: { slug: string }[] = await txHost.tx.query(`SELECT slug FROM tenants WHERE slug = ANY($1)`, [[...STORY_TENANTS]]);
  if (existing.length) {
    clock.now = realNow;
    return STORY_TENANTS.map((slug) => `tenant ${slug}: exists, kept`);
  }

  /** Waits until no payment or refund is pending (the collection jobs have recorded their outcome). */
  const settled = async () => {
    for (let i = 0; i < 200; i += 1) {
      const [row]: { n: number }[] = await txHost.tx.query(`SELECT (SELECT count(*) FROM payments WHERE status = 'pending') + (SELECT count(*) FROM refunds WHERE status = 'pending') AS n`);
      if (Number(row.n) === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('payments still pending after 10 s: is Redis running (the collection jobs use it)?');
  };
  const runAt = async (instant: Date) => {
    at = instant;
    await lifecycle.runDue();
    await settled();
  };
  const provision = async (slug: string, name: string, interval: 'month' | 'year', card: string) => {
    at = start;
    const tenantId = await uow.run(async () => {
      const { tenant } = await provisioning.create({
        name,
        slug,
        contactEmail: `ops@${slug}.example`,
        billingEmail: `billing@${slug}.example`,
        planCode: 'growth',
        billingInterval: interval,
        trialDays: 1,
        tags: ['story'],
        admin: { email: `admin@${slug}.example`, fullName: `${name} Admin`, password },
      });
      return tenant.id;
    });
    await uow.run(() => collection.attach(tenantId, card, null));
    return tenantId;
  };

  try {
    const converted = new Date(start.getTime() + DAY + 1000); // the 1-day trials end at start + 1 day
    const stark = await provision('stark-industries', 'Stark Industries', 'month', 'pm_card_ok');
    const wayne = await provision('wayne-enterprises', 'Wayne Enterprises', 'month', 'pm_card_ok');
    const oscorp = await provision('oscorp', 'Oscorp', 'month', 'pm_card_ok');
    const cyberdyne = await provision('cyberdyne', 'Cyberdyne Systems', 'year', 'pm_card_ok');
    // Trials end: every tenant converts and is charged at once.
    await runAt(converted);
    // Oscorp adds the campaigns module (paid, monthly), then cancels everything at the period end.
    at = new Date(converted.getTime() + 2 * DAY);
    await uow.run(() => modules.subscribe(oscorp, 'campaigns', { interval: 'month', trial: false }));
    await settled();
    at = new Date(converted.getTime() + 5 * DAY);
    await uow.run(() => subscriptions.setCancelAtPeriodEnd(oscorp, true));
    await uow.run(() => modules.setCancelAtPeriodEnd(oscorp, 'campaigns', true));
    // Wayne's card runs out of money before its first renewal.
    at = new Date(converted.getTime() + 20 * DAY);
    await uow.run(() => collection.attach(wayne, 'pm_insufficient_funds', null));
    // First renewal (one month after conversion): Stark paid, Wayne declined, Oscorp cancelled.
    const renewal1 = addBillingPeriods(new Date(start.getTime() + DAY), 'month', 1);
    await runAt(new Date(renewal1.getTime() + 1000));
    // Wayne's retries (+1, +3, +5, +7 days), then suspension after the 3 grace days.
    for (const days of [1, 3, 5, 7, 10]) await runAt(new Date(renewal1.getTime() + days * DAY + 2000));
    // Second renewal: Stark paid again; Wayne, suspended, is not renewed.
    const renewal2 = addBillingPeriods(new Date(start.getTime() + DAY), 'month', 2);
    await runAt(new Date(renewal2.getTime() + 1000));
    // Back to the present.
    at = realNow();
    await runAt(at);
    lines.push(
      `tenant stark-industries: growth monthly since ${converted.toISOString().slice(0, 10)}, every renewal paid (Visa •••• 4242)`,
      `tenant wayne-enterprises: growth monthly; its renewal of ${renewal1.toISOString().slice(0, 10)} declined (insufficient_funds), retried 4 times, suspended for non-payment`,
      `tenant oscorp: growth monthly + campaigns, both cancelled at the period end (${renewal1.toISOString().slice(0, 10)})`,
      `tenant cyberdyne: growth annual since ${converted.toISOString().slice(0, 10)}, paid`,
    );
    void stark;
    void cyberdyne;
  } finally {
    clock.now = realNow;
  }
  return lines;
}
