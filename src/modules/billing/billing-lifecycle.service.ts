import { Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { EventBus, UnitOfWork } from '../../common/events';
import { addBillingPeriods, billingPeriodAt, Clock } from '../../common/time';
import { AuditService } from '../audit';
import { QuotaService } from '../plans';
import { ChargeLedger } from './charge-ledger';
import { CollectionRunResult, PaymentCollectionService } from './collection/payment-collection.service';
import { RefundsService } from './collection/refunds.service';
import { CouponRedemptions } from './coupons/coupon-redemptions.service';
import { Subscription } from './entities/subscription.entity';
import { EntitlementChangedEvent, ModuleUnsubscribedEvent } from './events/module.events';
import {
  SubscriptionCancelledEvent,
  SubscriptionRenewedEvent,
  SubscriptionTrialEndedEvent,
  SubscriptionTrialWillEndEvent,
} from './events/subscription.events';
import { fullPeriodLines, planPrices } from './pricing';
import { eventPayload } from './subscription-payload';
import { MrrRecorder } from './revenue/mrr-recorder';

/** Days before a trial's end that `subscription.trial_will_end` is published (Stripe's 3). */
export const TRIAL_REMINDER_DAYS = 3;
/** Subscriptions handled per batch query of a run. */
const BATCH = 200;

/** What one run did, by step. */
export interface LifecycleRunResult {
  trialReminders: number;
  trialsEnded: number;
  renewals: number;
  cancellations: number;
  /** Collection: stale pending payments collected again, invoices entering dunning, retries, enforcements. */
  collection: CollectionRunResult;
}

/**
 * The time-driven billing work, run by the `billing:lifecycle` repeatable job (one schedule per
 * cluster) and safe to run twice: every step re-reads its row under `FOR UPDATE` in its own
 * transaction and acts only if the row is still due, and the effect moves the row past the
 * condition (a renewed period ends later; a reminder records the trial end it was sent for).
 * Steps, each at the Clock's now:
 * - trial reminders: a trial ending within 3 days → `subscription.trial_will_end`, once per end;
 * - trial ends: a plan trial becomes active with a new period from the trial end and its first
 *   period charged (billing in advance; collecting it is invoicing's); a module trial, or a plan
 *   trial cancelled at its end, is cancelled (the module turns off) — `subscription.trial_ended`;
 * - period rollover of active and past_due subscriptions: a cancellation at period end cancels
 *   (`subscription.cancelled`, its live discount ends); otherwise the scheduled change is applied (its plan's current
 *   prices captured), the period advances on the billing cycle's anchor and the new period's
 *   charges are recorded (`subscription.renewed`); missed periods are caught up one by one;
 * - collection (PaymentCollectionService.runDue): stale charges, dunning retries and enforcement.
 */
@Injectable()
export class BillingLifecycleService {
  private readonly logger = new Logger(BillingLifecycleService.name);

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly uow: UnitOfWork,
    private readonly quotas: QuotaService,
    private readonly ledger: ChargeLedger,
    private readonly events: EventBus,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly collection: PaymentCollectionService,
    private readonly refunds: RefundsService,
    private readonly redemptions: CouponRedemptions,
    private readonly mrr: MrrRecorder,
  ) {}

  /** Runs every step once for everything due now. */
  async runDue(): Promise<LifecycleRunResult> {
    const result: LifecycleRunResult = { trialReminders: 0, trialsEnded: 0, renewals: 0, cancellations: 0, collection: { reconciled: 0, dunningOpened: 0, retries: 0, enforcements: 0 } };
    const now = this.clock.now();
    const soon = new Date(now.getTime() + TRIAL_REMINDER_DAYS * 86_400_000);
    for (const id of await this.due(`status = 'trial' AND trial_ends_at > $1 AND trial_ends_at <= $2 AND trial_reminder_sent_for IS DISTINCT FROM trial_ends_at`, [now, soon])) {
      if (await this.inTransaction(id, (s) => this.remind(s, now))) result.trialReminders += 1;
    }
    for (const id of await this.due(`status = 'trial' AND trial_ends_at <= $1`, [now])) {
      if (await this.inTransaction(id, (s) => this.endTrial(s, now))) result.trialsEnded += 1;
    }
    for (const id of await this.due(`status IN ('active', 'past_due') AND current_period_end <= $1`, [now])) {
      const outcome = await this.inTransaction(id, (s) => this.rollOver(s, now));
      if (outcome === 'cancelled') result.cancellations += 1;
      else if (outcome) result.renewals += 1;
    }
    result.collection = await this.collection.runDue();
    result.collection.reconciled += await this.refunds.reconcileStale();
    const c = result.collection;
    if (result.trialReminders + result.trialsEnded + result.renewals + result.cancellations + c.reconciled + c.dunningOpened + c.retries + c.enforcements) this.logger.log(`billing lifecycle: ${JSON.stringify(result)}`);
    return result;
  }

  /** Ids of subscriptions matching `where` (SQL over subscriptions with $1…), all of them, in batches by id. */
  private async due(where: string, params: unknown[]): Promise<string[]> {
    const ids: string[] = [];
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows: { id: string }[] = await this.txHost.tx.query(
        `SELECT id FROM subscriptions WHERE ${where} AND id > $${params.length + 1} ORDER BY id LIMIT ${BATCH}`,
        [...params, after],
      );
      ids.push(...rows.map((r) => r.id));
      if (rows.length < BATCH) return ids;
      after = rows[rows.length - 1].id;
    }
  }

  /** Runs `step` on the subscription locked FOR UPDATE in its own transaction (skipped when another run holds it). */
  private inTransaction<R>(id: string, step: (s: Subscription) => Promise<R>): Promise<R | false> {
    return this.uow.run(async () => {
      const sub = await this.txHost.tx.getRepository(Subscription).createQueryBuilder('s').where('s.id = :id', { id }).setLock('pessimistic_write').setOnLocked('skip_locked').getOne();
      return sub ? step(sub) : false;
    });
  }

  private async remind(sub: Subscription, now: Date): Promise<boolean> {
    if (sub.status !== 'trial' || !sub.trialEndsAt || sub.trialEndsAt <= now || sub.trialReminderSentFor?.getTime() === sub.trialEndsAt.getTime()) return false;
    await this.repo().update({ id: sub.id }, { trialReminderSentFor: sub.trialEndsAt });
    await this.events.publish(new SubscriptionTrialWillEndEvent(sub.tenantId, eventPayload(sub)));
    return true;
  }

  private async endTrial(sub: Subscription, now: Date): Promise<boolean> {
    if (sub.status !== 'trial' || !sub.trialEndsAt || sub.trialEndsAt > now) return false;
    const end = sub.trialEndsAt;
    if (sub.kind === 'module' || sub.cancelAtPeriodEnd) {
      // A module trial ends without converting; so does a plan trial cancelled at its end.
      const saved = await this.save(sub, { status: 'cancelled', cancelledAt: end, cancelAtPeriodEnd: false });
      await this.redemptions.end(saved);
      if (sub.kind === 'plan') await this.quotas.setBillingState(sub.tenantId, { billingStatus: 'cancelled', trialEndsAt: saved.trialEndsAt, currentPeriodEndsAt: saved.currentPeriodEnd, licenses: saved.quantity });
      await this.events.publish(new SubscriptionTrialEndedEvent(sub.tenantId, { ...eventPayload(saved), outcome: 'cancelled' }));
      await this.events.publish(new SubscriptionCancelledEvent(sub.tenantId, { ...eventPayload(saved), cancelledAt: end.toISOString() }));
      await this.unsubscribed(saved, end);
      await this.events.publish(new EntitlementChangedEvent(sub.tenantId, { moduleCodes: sub.kind === 'module' ? [sub.itemCode] : [], cause: 'subscription.trial_ended' }));
      await this.auditJob(saved, 'subscriptions.trial_ended', { outcome: 'cancelled' });
      await this.mrr.record(sub.tenantId, 'subscription.trial_ended');
      return true;
    }
    const saved = await this.save(sub, { status: 'active', trialEndsAt: null, billingCycleAnchor: end, currentPeriodStart: end, currentPeriodEnd: addBillingPeriods(end, sub.interval, 1) });
    await this.quotas.setBillingState(sub.tenantId, { billingStatus: 'active', trialEndsAt: null, currentPeriodEndsAt: saved.currentPeriodEnd, licenses: saved.quantity });
    await this.ledger.record(saved, fullPeriodLines(saved), 'trial.end');
    await this.ledger.invoiceNow(sub.tenantId, 'subscription_cycle');
    await this.events.publish(new SubscriptionTrialEndedEvent(sub.tenantId, { ...eventPayload(saved), outcome: 'converted' }));
    await this.auditJob(saved, 'subscriptions.trial_ended', { outcome: 'converted' });
    await this.mrr.record(sub.tenantId, 'subscription.trial_ended');
    // A period that already ended after the trial is renewed by the next step of the same run.
    return true;
  }

  private async rollOver(sub: Subscription, now: Date): Promise<'cancelled' | 'renewed' | false> {
    if ((sub.status !== 'active' && sub.status !== 'past_due') || sub.currentPeriodEnd > now) return false;
    if (sub.cancelAtPeriodEnd) {
      const saved = await this.save(sub, { status: 'cancelled', cancelledAt: sub.currentPeriodEnd, cancelAtPeriodEnd: false });
      await this.redemptions.end(saved);
      if (sub.kind === 'plan') await this.quotas.setBillingState(sub.tenantId, { billingStatus: 'cancelled', trialEndsAt: null, currentPeriodEndsAt: saved.currentPeriodEnd, licenses: saved.quantity });
      await this.events.publish(new SubscriptionCancelledEvent(sub.tenantId, { ...eventPayload(saved), cancelledAt: saved.cancelledAt!.toISOString() }));
      await this.unsubscribed(saved, saved.cancelledAt!);
      await this.events.publish(new EntitlementChangedEvent(sub.tenantId, { moduleCodes: sub.kind === 'module' ? [sub.itemCode] : [], cause: 'subscription.cancelled' }));
      await this.auditJob(saved, 'subscriptions.cancelled', {});
      await this.mrr.record(sub.tenantId, 'subscription.cancelled');
      return 'cancelled';
    }
    let current = sub;
    let renewed = false;
    // Catch up every missed period, one charge each.
    while (current.currentPeriodEnd <= now) {
      const start = current.currentPeriodEnd;
      const patch: Partial<Subscription> = {};
      const change = current.scheduledChange;
      let anchor = current.billingCycleAnchor;
      if (change) {
        if (change.planCode && current.kind === 'plan') {
          const plan = await this.quotas.activePlan(change.planCode).catch(() => null);
          if (plan) Object.assign(patch, { planId: plan.id, itemCode: plan.code, currency: plan.currency, ...planPrices(plan, change.interval ?? current.interval) });
        }
        if (change.quantity !== undefined && current.kind === 'plan') patch.quantity = change.quantity;
        if (change.interval && change.interval !== current.interval) {
          patch.interval = change.interval;
          anchor = start; // a new cycle from the change
        }
        patch.scheduledChange = null;
      }
      const interval = patch.interval ?? current.interval;
      const period = billingPeriodAt(anchor, interval, start);
      Object.assign(patch, { billingCycleAnchor: anchor, currentPeriodStart: start, currentPeriodEnd: period.end.getTime() > start.getTime() ? period.end : addBillingPeriods(start, interval, 1) });
      current = await this.save(current, patch);
      const lines = fullPeriodLines(current);
      await this.ledger.record(current, lines, 'renewal');
      await this.ledger.invoiceNow(current.tenantId, 'subscription_cycle'); // one invoice per period
      await this.events.publish(new SubscriptionRenewedEvent(current.tenantId, { ...eventPayload(current), amountCents: lines.reduce((a, l) => a + l.amountCents, 0), periodStart: start.toISOString() }));
      renewed = true;
    }
    if (current.kind === 'plan') {
      await this.quotas.setBillingState(current.tenantId, {
        billingStatus: current.status,
        trialEndsAt: null,
        currentPeriodEndsAt: current.currentPeriodEnd,
        licenses: current.quantity,
        ...(current.planId ? { planId: current.planId } : {}),
      });
      if (sub.scheduledChange?.planCode) await this.events.publish(new EntitlementChangedEvent(current.tenantId, { moduleCodes: [], cause: 'subscription.renewed' }));
    }
    await this.auditJob(current, 'subscriptions.renewed', { periodStart: sub.currentPeriodEnd.toISOString(), periodEnd: current.currentPeriodEnd.toISOString() });
    await this.mrr.record(current.tenantId, 'subscription.renewed');
    return renewed ? 'renewed' : false;
  }

  /** `module.unsubscribed` when a module subscription ended. */
  private async unsubscribed(sub: Subscription, at: Date): Promise<void> {
    if (sub.kind !== 'module' || !sub.moduleId) return;
    await this.events.publish(new ModuleUnsubscribedEvent(sub.tenantId, { moduleCode: sub.itemCode, moduleId: sub.moduleId, subscriptionId: sub.id, cancelledAt: at.toISOString() }));
  }

  private repo() {
    return this.txHost.tx.getRepository(Subscription);
  }

  private async save(sub: Subscription, patch: Partial<Subscription>): Promise<Subscription> {
    await this.repo().update({ id: sub.id }, patch);
    return this.repo().findOneByOrFail({ id: sub.id });
  }

  /** The job's audit row (channel `job`) of a change, in its transaction. */
  private auditJob(sub: Subscription, action: string, changes: Record<string, unknown>): Promise<void> {
    return this.audit.record({ channel: 'job', action, module: 'billing', resourceType: 'subscription', resourceId: sub.id, tenantId: sub.tenantId, changes }, this.txHost.tx);
  }
}
