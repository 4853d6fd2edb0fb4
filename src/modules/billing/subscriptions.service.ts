import { eventPayload } from './subscription-payload';
import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { RequestContext } from '../../common/context';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../../common/errors';
import { EventBus } from '../../common/events';
import { Page, PageQueryDto, toPage } from '../../common/http';
import { TenantDirectory } from '../../common/tenancy';
import { addBillingPeriods, BillingInterval, Clock, daysBetweenCeil } from '../../common/time';
import { TenantScopedRepository } from '../../database/tenant-scoped.repository';
import { TenantUserAccounts } from '../iam';
import { ModuleCatalogService, QuotaService } from '../plans';
import {
  ChangePlanDto,
  ChargeLineDto,
  ConversionResultDto,
  ExtendTrialDto,
  PlanChangeResultDto,
  SubscriptionUpdateResultDto,
  UpdateSubscriptionDto,
  LicenseChangeResultDto,
  PendingInvoiceItemDto,
  SubscriptionDto,
  TenantSelfSubscriptionDto,
  TenantSubscriptionDto,
} from './dto/subscription.dto';
import { PendingInvoiceItem } from './entities/pending-invoice-item.entity';
import { Subscription } from './entities/subscription.entity';
import { EntitlementChangedEvent } from './events/module.events';
import {
  SubscriptionConvertedEvent,
  SubscriptionCreatedEvent,
  SubscriptionLicensesChangedEvent,
  SubscriptionPlanChangedEvent,
  SubscriptionUpdatedEvent,
} from './events/subscription.events';
import { ChargeLedger } from './charge-ledger';
import { CouponRedemptions, toSubscriptionDiscountDto } from './coupons/coupon-redemptions.service';
import { SubscriptionDiscount } from './coupons/subscription-discount.entity';
import { fullPeriodLines, licensesOnPlan, monthlyCostCents, periodAmountCents, planLicensesSeats, planPrices } from './pricing';
import { ChargeLine, priceChangeLines, quantityChangeLine, remainingFraction, roundCents } from './proration';
import { MrrRecorder } from './revenue/mrr-recorder';

/** A preview changes nothing: its audit row is recorded as `<action>.preview`. Returns whether it is one. */
export function notePreview(context: RequestContext, preview: boolean | undefined, action: string): boolean {
  if (preview) context.noteAudit({ action: `${action}.preview` });
  return preview ?? false;
}

/** Days of sign-in history that count a user as recently active (the subscription page). */
const RECENT_ACTIVITY_DAYS = 30;

/** Maps a subscription to its public shape, with its live `discount` when the caller loaded it. */
export function toSubscriptionDto(s: Subscription, discount: SubscriptionDiscount | null = null): SubscriptionDto {
  return {
    id: s.id,
    tenantId: s.tenantId,
    kind: s.kind,
    itemCode: s.itemCode,
    planCode: s.kind === 'plan' ? s.itemCode : null,
    moduleCode: s.kind === 'module' ? s.itemCode : null,
    status: s.status,
    interval: s.interval,
    quantity: s.quantity,
    unitAmountCents: s.unitAmountCents,
    seatUnitAmountCents: s.seatUnitAmountCents,
    priceOverrideCents: s.priceOverrideCents,
    periodAmountCents: periodAmountCents(s),
    monthlyCostCents: monthlyCostCents(s),
    currency: s.currency,
    currentPeriodStart: s.currentPeriodStart.toISOString(),
    currentPeriodEnd: s.currentPeriodEnd.toISOString(),
    trialEndsAt: s.trialEndsAt?.toISOString() ?? null,
    scheduledChange: s.scheduledChange,
    cancelAtPeriodEnd: s.cancelAtPeriodEnd,
    cancelledAt: s.cancelledAt?.toISOString() ?? null,
    discount: discount ? toSubscriptionDiscountDto(discount) : null,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

export function toLineDto(line: ChargeLine, currency: string): ChargeLineDto {
  return {
    description: line.description,
    quantity: line.quantity,
    unitAmountCents: line.unitAmountCents,
    amountCents: line.amountCents,
    currency,
    periodStart: line.period.start.toISOString(),
    periodEnd: line.period.end.toISOString(),
    proration: line.proration,
    kind: line.couponId ? 'discount' : 'charge',
  };
}

function toPendingItemDto(i: PendingInvoiceItem): PendingInvoiceItemDto {
  return {
    id: i.id,
    subscriptionId: i.subscriptionId,
    description: i.description,
    quantity: i.quantity,
    unitAmountCents: i.unitAmountCents,
    amountCents: i.amountCents,
    currency: i.currency,
    periodStart: i.periodStart.toISOString(),
    periodEnd: i.periodEnd.toISOString(),
    proration: i.proration,
    kind: i.kind,
    sourceAction: i.sourceAction,
    invoiceId: i.invoiceId,
    createdAt: i.createdAt.toISOString(),
  };
}


/** What provisioning asks for: the plan, its trial, licenses (default: see {@link SubscriptionsService.startPlanSubscription}) and interval. */
export interface PlanSubscriptionStart {
  planCode: string;
  trialDays: number;
  licenses?: number;
  interval?: BillingInterval;
}

/**
 * The billing context's subscriptions: a tenant's plan subscription (plan, licenses, interval) and
 * its charges. Every change runs in the caller's transaction with its audit row and events, and
 * writes the tenant's billing state (status, trial and period ends, licenses) through the plans
 * facade in the same transaction: the guards read one source of truth. "Now" is the injected Clock.
 */
@Injectable()
export class SubscriptionsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly quotas: QuotaService,
    private readonly accounts: TenantUserAccounts,
    private readonly directory: TenantDirectory,
    private readonly events: EventBus,
    private readonly context: RequestContext,
    private readonly clock: Clock,
    private readonly ledger: ChargeLedger,
    private readonly catalog: ModuleCatalogService,
    private readonly redemptions: CouponRedemptions,
    private readonly mrr: MrrRecorder,
  ) {}

  private subscriptions(tenantId: string) {
    return new TenantScopedRepository(this.txHost.tx, Subscription, tenantId);
  }

  private items(tenantId: string) {
    return new TenantScopedRepository(this.txHost.tx, PendingInvoiceItem, tenantId);
  }

  /**
   * Starts a new tenant's plan subscription and its quota (provisioning, same transaction). With a
   * trial: status `trial`, the period is the trial, nothing is charged. Without: status `active`, a
   * period of `interval` starts now and its charge is recorded (billing in advance). Licenses
   * default to the plan's members limit, else 1 when the plan prices seats, else none (a plan that
   * neither limits members nor prices seats does not license them). Unit prices are captured now.
   * @throws UnprocessableError `plan_unavailable` (field `planCode`)
   */
  async startPlanSubscription(tenantId: string, start: PlanSubscriptionStart): Promise<Subscription> {
    const plan = await this.quotas.activePlan(start.planCode);
    const interval = start.interval ?? 'month';
    const now = this.clock.now();
    const licensed = start.licenses !== undefined || planLicensesSeats(plan);
    const quantity = start.licenses ?? (licensed ? (plan.limits.members ?? 1) : null);
    const trialEndsAt = start.trialDays > 0 ? new Date(now.getTime() + start.trialDays * 86_400_000) : null;
    const periodEnd = trialEndsAt ?? addBillingPeriods(now, interval, 1);
    const sub = await this.subscriptions(tenantId).insertOne({
      kind: 'plan',
      planId: plan.id,
      moduleId: null,
      itemCode: plan.code,
      status: trialEndsAt ? 'trial' : 'active',
      interval,
      quantity,
      perSeat: false,
      ...planPrices(plan, interval),
      priceOverrideCents: null,
      currency: plan.currency,
      billingCycleAnchor: trialEndsAt ?? now,
      currentPeriodStart: now,
      currentPeriodEnd: periodEnd,
      trialStart: trialEndsAt ? now : null,
      trialEndsAt,
      cancelAtPeriodEnd: false,
      cancelledAt: null,
      scheduledChange: null,
      paymentMethodLabel: null,
      notes: null,
    });
    await this.quotas.createForTenant(tenantId, plan, { billingStatus: sub.status, trialEndsAt, currentPeriodEndsAt: periodEnd, licenses: quantity });
    if (!trialEndsAt) {
      await this.ledger.record(sub, fullPeriodLines(sub), 'subscription.start');
      await this.ledger.invoiceNow(tenantId, 'subscription_create');
    }
    await this.events.publish(new SubscriptionCreatedEvent(tenantId, eventPayload(sub)));
    await this.mrr.record(tenantId, 'subscription.created');
    return sub;
  }

  /**
   * The tenant's plan and module subscriptions with the figures of the subscription page.
   * @throws NotFoundError `subscription_not_found` when the tenant has no plan subscription
   */
  async view(tenantId: string): Promise<TenantSubscriptionDto> {
    const now = this.clock.now();
    const all = await this.subscriptions(tenantId).find({ order: { createdAt: 'ASC', id: 'ASC' } });
    const plan = all.find((s) => s.kind === 'plan') ?? (await this.missing(tenantId));
    const modules = all.filter((s) => s.kind === 'module');
    // Sequential: inside a transaction (PUT) the statements share one connection.
    const stats = await this.accounts.userStats(tenantId, new Date(now.getTime() - RECENT_ACTIVITY_DAYS * 86_400_000));
    const contact = await this.directory.billingContact(tenantId);
    const billed = [plan, ...modules.filter((m) => m.status !== 'cancelled' && m.status !== 'trial')];
    const discounts = await this.redemptions.liveFor(tenantId, all.map((s) => s.id));
    return {
      tenantId,
      subscription: toSubscriptionDto(plan, discounts.get(plan.id) ?? null),
      modules: modules.map((m) => toSubscriptionDto(m, discounts.get(m.id) ?? null)),
      licenses: plan.quantity,
      ...stats,
      usagePercentage: plan.quantity ? Math.round((stats.activeUsers / plan.quantity) * 10_000) / 100 : null,
      trialDaysRemaining: plan.status === 'trial' && plan.trialEndsAt ? daysBetweenCeil(now, plan.trialEndsAt) : null,
      billingDaysRemaining: daysBetweenCeil(now, plan.currentPeriodEnd),
      monthlyCostCents: billed.reduce((sum, s) => sum + monthlyCostCents(s), 0),
      nextBillingDate: plan.currentPeriodEnd.toISOString(),
      lastPaymentDate: null,
      billingEmail: contact?.billingEmail ?? contact?.contactEmail ?? null,
      paymentMethodLabel: plan.paymentMethodLabel,
      notes: plan.notes,
    };
  }

  /** The tenant's own view: {@link view} without the staff notes. @throws NotFoundError */
  async viewForTenant(tenantId: string): Promise<TenantSelfSubscriptionDto> {
    const { notes: _notes, ...rest } = await this.view(tenantId);
    return rest;
  }

  /**
   * Adds (`delta` > 0) or removes (`delta` < 0) licenses of the plan subscription now, with the
   * prorated charge or credit for the rest of the current period (none in trial: nothing was
   * paid). Locks the quota row the seat reservation reads its limit under, so a removal racing user
   * creation can never leave more active users than licenses. With `preview` nothing changes.
   * @throws AppError 409 `licenses_below_minimum` | `licenses_below_active_users` | `licenses_not_licensed` | `subscription_already_cancelled`;
   * NotFoundError `subscription_not_found`
   */
  async changeLicenses(tenantId: string, delta: number, preview: boolean): Promise<LicenseChangeResultDto> {
    const sub = await this.lockLivePlanSubscription(tenantId);
    const seats = await this.quotas.lockForBillingChange(tenantId);
    if (sub.quantity === null) throw new AppError('licenses_not_licensed', 409, `The plan ${sub.itemCode} does not license seats.`, { state: 'licenses' });
    const previous = sub.quantity;
    const next = previous + delta;
    if (next < 1) throw new AppError('licenses_below_minimum', 409, `A subscription keeps at least 1 license; ${next} were requested.`, { state: 'licenses', requestedLicenses: next, minimumRequired: 1 });
    if (next < seats.membersUsed) {
      throw new AppError('licenses_below_active_users', 409, `The tenant has ${seats.membersUsed} active users; it needs at least ${seats.membersUsed} licenses.`, {
        state: 'licenses',
        currentActiveUsers: seats.membersUsed,
        requestedLicenses: next,
        minimumRequired: seats.membersUsed,
      });
    }
    const after: Subscription = { ...sub, quantity: next };
    const lines: ChargeLine[] = [];
    if (sub.status !== 'trial' && sub.priceOverrideCents === null) {
      const unit = sub.seatUnitAmountCents;
      const line = quantityChangeLine({
        description: `${delta > 0 ? 'Remaining' : 'Unused'} time on ${Math.abs(delta)} × license (${sub.itemCode})`,
        unitAmountCents: unit,
        fromQuantity: previous,
        toQuantity: next,
        period: { start: sub.currentPeriodStart, end: sub.currentPeriodEnd },
        at: this.clock.now(),
      });
      if (line && line.amountCents !== 0) lines.push(line);
    }
    // Per-seat module subscriptions are priced per licensed user: their quantity follows, prorated alike.
    const seatModules = await this.liveSeatModules(tenantId);
    const moduleLines = new Map<string, ChargeLine[]>();
    for (const m of seatModules) {
      if (m.status === 'trial' || m.priceOverrideCents !== null) continue;
      const line = quantityChangeLine({
        description: `${delta > 0 ? 'Remaining' : 'Unused'} time on ${Math.abs(delta)} × ${m.itemCode} seat`,
        unitAmountCents: m.unitAmountCents,
        fromQuantity: m.quantity ?? 0,
        toQuantity: next,
        period: { start: m.currentPeriodStart, end: m.currentPeriodEnd },
        at: this.clock.now(),
      });
      if (line && line.amountCents !== 0) moduleLines.set(m.id, [line]);
    }
    const shown = [...(await this.ledger.withDiscount(sub, lines))];
    for (const m of seatModules) if (moduleLines.has(m.id)) shown.push(...(await this.ledger.withDiscount(m, moduleLines.get(m.id)!)));
    const allLines = shown;
    const modulesCost = (q: number) => seatModules.filter((m) => m.status !== 'trial').reduce((sum, m) => sum + monthlyCostCents({ ...m, quantity: q }), 0);
    const previousCost = monthlyCostCents(sub) + modulesCost(previous);
    const newCost = monthlyCostCents(after) + modulesCost(next);
    const discount = await this.ledger.liveDiscount(sub);
    const result: LicenseChangeResultDto = {
      preview,
      subscription: toSubscriptionDto(after, discount),
      changes: {
        previousLicenses: previous,
        newLicenses: next,
        previousMonthlyCostCents: previousCost,
        newMonthlyCostCents: newCost,
        costDeltaCents: newCost - previousCost,
        prorationCents: allLines.reduce((sum, l) => sum + l.amountCents, 0),
        activeUsers: seats.membersUsed,
        availableSeats: next - seats.membersUsed,
      },
      lines: allLines.map((l) => toLineDto(l, sub.currency)),
    };
    if (preview) return this.previewed(tenantId, sub, result);

    const saved = (await this.subscriptions(tenantId).updateOne({ id: sub.id }, { quantity: next }))!;
    result.subscription = toSubscriptionDto(saved, discount);
    await this.quotas.setBillingState(tenantId, { billingStatus: saved.status, trialEndsAt: saved.trialEndsAt, currentPeriodEndsAt: saved.currentPeriodEnd, licenses: next });
    await this.ledger.record(saved, lines, delta > 0 ? 'licenses.add' : 'licenses.remove');
    await this.followLicenses(tenantId, seatModules, next, moduleLines, delta > 0 ? 'licenses.add' : 'licenses.remove');
    if (delta > 0) await this.ledger.invoiceNow(tenantId, 'subscription_update');
    await this.events.publish(
      new SubscriptionLicensesChangedEvent(tenantId, { ...eventPayload(saved), previousLicenses: previous, newLicenses: next, prorationCents: result.changes.prorationCents }),
    );
    await this.mrr.record(tenantId, 'subscription.licenses_changed');
    this.context.noteAudit({ tenantId, resourceId: sub.id, resourceType: 'subscription', before: toSubscriptionDto(sub), after: result.subscription });
    return result;
  }

  /**
   * The staff edit of the subscription page (seed 004's editable fields plus a negotiated price):
   * status, plan (its current prices captured), licenses (never below the active users), trial end,
   * next billing date, price override, the tenant's billing contact, payment method label, notes.
   * No proration is charged (the licenses and change-plan routes prorate). The tenant's billing
   * state is written in the same transaction. Answers `changes` with before/after per field.
   * @throws ValidationError (no editable field) | AppError 409 `licenses_below_active_users` |
   * `licenses_not_licensed` | UnprocessableError `plan_unavailable` | NotFoundError
   */
  async update(tenantId: string, dto: UpdateSubscriptionDto): Promise<SubscriptionUpdateResultDto> {
    const fields = Object.keys(dto).filter((k) => dto[k as keyof UpdateSubscriptionDto] !== undefined);
    if (!fields.length) throw new ValidationError([{ field: 'body', message: 'give at least one editable field' }], 'Invalid request: no editable field given');
    const sub = await this.lockPlanSubscription(tenantId);
    const seats = await this.quotas.lockForBillingChange(tenantId);
    const contact = (await this.directory.billingContact(tenantId))!;
    const changes: Record<string, { before: unknown; after: unknown }> = {};
    const patch: Partial<Subscription> = {};
    const note = (field: string, before: unknown, after: unknown) => {
      const b = before instanceof Date ? before.toISOString() : before;
      const a = after instanceof Date ? after.toISOString() : after;
      if (JSON.stringify(b) !== JSON.stringify(a)) changes[field] = { before: b, after: a };
      return JSON.stringify(b) !== JSON.stringify(a);
    };
    if (dto.status !== undefined && note('status', sub.status, dto.status)) {
      patch.status = dto.status;
      if (dto.status === 'cancelled') patch.cancelledAt = this.clock.now();
    }
    if (dto.planCode !== undefined && note('planCode', sub.itemCode, dto.planCode)) {
      const plan = await this.quotas.activePlan(dto.planCode);
      Object.assign(patch, { planId: plan.id, itemCode: plan.code, currency: plan.currency, ...planPrices(plan, sub.interval) });
    }
    if (dto.licenses !== undefined && note('licenses', sub.quantity, dto.licenses)) {
      if (sub.quantity === null) throw new AppError('licenses_not_licensed', 409, `The plan ${sub.itemCode} does not license seats.`, { state: 'licenses' });
      if (dto.licenses < seats.membersUsed) {
        throw new AppError('licenses_below_active_users', 409, `The tenant has ${seats.membersUsed} active users; it needs at least ${seats.membersUsed} licenses.`, {
          state: 'licenses',
          currentActiveUsers: seats.membersUsed,
          requestedLicenses: dto.licenses,
          minimumRequired: seats.membersUsed,
        });
      }
      patch.quantity = dto.licenses;
    }
    if (dto.trialEndsAt !== undefined && note('trialEndsAt', sub.trialEndsAt, dto.trialEndsAt)) patch.trialEndsAt = dto.trialEndsAt;
    if (dto.nextBillingDate !== undefined && note('nextBillingDate', sub.currentPeriodEnd, dto.nextBillingDate)) patch.currentPeriodEnd = dto.nextBillingDate;
    if (dto.priceOverrideCents !== undefined && note('priceOverrideCents', sub.priceOverrideCents, dto.priceOverrideCents)) patch.priceOverrideCents = dto.priceOverrideCents;
    if (dto.paymentMethodLabel !== undefined && note('paymentMethodLabel', sub.paymentMethodLabel, dto.paymentMethodLabel)) patch.paymentMethodLabel = dto.paymentMethodLabel;
    if (dto.notes !== undefined && note('notes', sub.notes, dto.notes)) patch.notes = dto.notes;
    const contactPatch: Record<string, unknown> = {};
    for (const key of ['billingEmail', 'contactEmail', 'contactPhone'] as const) {
      if (dto[key] !== undefined && note(key, contact[key], dto[key])) contactPatch[key] = dto[key];
    }
    const before = toSubscriptionDto(sub);
    if (Object.keys(patch).length) {
      const saved = (await this.subscriptions(tenantId).updateOne({ id: sub.id }, patch))!;
      await this.quotas.setBillingState(tenantId, {
        billingStatus: saved.status,
        trialEndsAt: saved.trialEndsAt,
        currentPeriodEndsAt: saved.currentPeriodEnd,
        licenses: saved.quantity,
        planId: saved.planId ?? undefined,
      });
      if (patch.quantity !== undefined && patch.quantity !== null) await this.followLicenses(tenantId, await this.liveSeatModules(tenantId), patch.quantity, new Map(), 'subscription.update');
      await this.events.publish(new SubscriptionUpdatedEvent(tenantId, { ...eventPayload(saved), changed: Object.keys(changes) }));
      if (patch.status !== undefined || patch.planId !== undefined) await this.events.publish(new EntitlementChangedEvent(tenantId, { moduleCodes: [], cause: 'subscription.updated' }));
    }
    if (Object.keys(contactPatch).length) await this.directory.updateBillingContact(tenantId, contactPatch);
    await this.mrr.record(tenantId, 'subscription.updated');
    const page = await this.view(tenantId);
    this.context.noteAudit({ tenantId, resourceId: sub.id, resourceType: 'subscription', before, after: page.subscription, metadata: { changes } });
    return { subscription: page, changes };
  }

  /**
   * Converts the plan subscription from trial to paid now: status active, trial cleared, a new
   * period of its interval starting now (the billing cycle is re-anchored), and the first period's
   * charge recorded. With `preview` nothing changes.
   * @throws AppError 409 `not_in_trial` { currentStatus }; NotFoundError `subscription_not_found`
   */
  async convertToPaid(tenantId: string, preview: boolean): Promise<ConversionResultDto> {
    const sub = await this.lockPlanSubscription(tenantId);
    await this.quotas.lockForBillingChange(tenantId);
    if (sub.status !== 'trial') throw new AppError('not_in_trial', 409, `The subscription is ${sub.status}, not in trial.`, { state: 'status', currentStatus: sub.status });
    const now = this.clock.now();
    const after: Subscription = {
      ...sub,
      status: 'active',
      trialEndsAt: null,
      billingCycleAnchor: now,
      currentPeriodStart: now,
      currentPeriodEnd: addBillingPeriods(now, sub.interval, 1),
    };
    const lines = fullPeriodLines(after);
    const discount = await this.ledger.liveDiscount(sub);
    const shown = await this.ledger.withDiscount(after, lines, discount);
    const result: ConversionResultDto = {
      preview,
      subscription: toSubscriptionDto(after, discount),
      lines: shown.map((l) => toLineDto(l, sub.currency)),
      totalCents: shown.reduce((sum, l) => sum + l.amountCents, 0),
    };
    if (preview) return this.previewed(tenantId, sub, result);

    const saved = (await this.subscriptions(tenantId).updateOne(
      { id: sub.id },
      { status: 'active', trialEndsAt: null, billingCycleAnchor: after.billingCycleAnchor, currentPeriodStart: after.currentPeriodStart, currentPeriodEnd: after.currentPeriodEnd },
    ))!;
    await this.quotas.setBillingState(tenantId, { billingStatus: 'active', trialEndsAt: null, currentPeriodEndsAt: saved.currentPeriodEnd, licenses: saved.quantity });
    await this.ledger.record(saved, lines, 'trial.convert');
    result.subscription = toSubscriptionDto(saved, await this.ledger.liveDiscount(saved));
    await this.ledger.invoiceNow(tenantId, 'subscription_update');
    await this.events.publish(new SubscriptionConvertedEvent(tenantId, { ...eventPayload(saved), amountCents: result.totalCents }));
    await this.mrr.record(tenantId, 'subscription.converted');
    this.context.noteAudit({ tenantId, resourceId: sub.id, resourceType: 'subscription', before: toSubscriptionDto(sub), after: result.subscription });
    return result;
  }

  /** A preview's answer (nothing changed); its audit row names the tenant and subscription looked at. */
  private previewed<R>(tenantId: string, sub: Subscription, result: R): R {
    this.context.noteAudit({ tenantId, resourceId: sub.id, resourceType: 'subscription' });
    return result;
  }

  /**
   * Moves the plan subscription to another plan (and interval). An upgrade (a higher monthly cost)
   * takes effect now by default, with the unused time of the old price credited and the rest of
   * the period charged at the new one (Stripe's proration pair; none in trial); a downgrade at the
   * end of the period by default (a scheduled change the renewal applies). month → year is
   * immediate: the unused month is credited and a year starts now, charged in full; year → month
   * always waits for the period end. The answer also says what the new plan breaks: usage above
   * its limits and modules that turn off. A `couponCode` is redeemed on the plan subscription with
   * the change (checked against the new plan, its currency and interval), so its discount applies
   * to the charges recorded now. With `preview` nothing changes (no redemption is counted).
   * @throws UnprocessableError `plan_unavailable` | AppError 409 `subscription_already_cancelled` | NotFoundError |
   * the coupon checks of CouponRedemptions.redeem
   */
  async changePlan(tenantId: string, dto: ChangePlanDto): Promise<PlanChangeResultDto> {
    const sub = await this.lockLivePlanSubscription(tenantId);
    await this.quotas.lockForBillingChange(tenantId);
    const plan = await this.quotas.activePlan(dto.planCode);
    const interval = dto.interval ?? sub.interval;
    if (plan.id === sub.planId && interval === sub.interval) {
      throw new ConflictError('plan_unchanged', `The subscription is already on ${plan.code}, billed every ${interval}.`, { state: 'plan' });
    }
    const now = this.clock.now();
    const quantity = licensesOnPlan(plan, sub.quantity);
    const next: Subscription = { ...sub, planId: plan.id, itemCode: plan.code, currency: plan.currency, interval, quantity, ...planPrices(plan, interval), scheduledChange: null };
    const upgrade = monthlyCostCents(next) >= monthlyCostCents(sub);
    const yearToMonth = sub.interval === 'year' && interval === 'month';
    const monthToYear = sub.interval === 'month' && interval === 'year';
    const effective = yearToMonth ? 'period_end' : monthToYear ? 'now' : (dto.effective ?? (upgrade ? 'now' : 'period_end'));
    const impact = await this.impactOf(tenantId, plan, quantity);

    let lines: ChargeLine[] = [];
    let after: Subscription;
    if (effective === 'period_end') {
      after = { ...sub, scheduledChange: { planCode: plan.code, interval, quantity, effectiveAt: sub.currentPeriodEnd.toISOString() } };
    } else if (sub.status === 'trial') {
      after = next; // nothing was paid: switch, no proration
    } else if (monthToYear) {
      const period = { start: sub.currentPeriodStart, end: sub.currentPeriodEnd };
      const credit = roundCents(remainingFraction(period, now).mul(periodAmountCents(sub)));
      after = { ...next, billingCycleAnchor: now, currentPeriodStart: now, currentPeriodEnd: addBillingPeriods(now, 'year', 1) };
      lines = [
        ...(credit ? [{ description: `Unused time on ${sub.itemCode} (monthly)`, quantity: -1, unitAmountCents: periodAmountCents(sub), amountCents: -credit, period: { start: now, end: sub.currentPeriodEnd }, proration: true }] : []),
        ...fullPeriodLines(after),
      ];
    } else {
      after = next;
      lines = priceChangeLines({
        oldDescription: sub.itemCode,
        newDescription: plan.code,
        oldUnitAmountCents: periodAmountCents(sub),
        newUnitAmountCents: periodAmountCents(next),
        oldQuantity: 1,
        newQuantity: 1,
        period: { start: sub.currentPeriodStart, end: sub.currentPeriodEnd },
        at: now,
      });
    }
    const redeemed = dto.couponCode ? await this.redemptions.redeem(sub, dto.couponCode, { kind: 'plan', itemCode: plan.code, currency: plan.currency, interval }, dto.preview ?? false) : null;
    const discount = redeemed ?? (await this.ledger.liveDiscount(sub));
    const shown = await this.ledger.withDiscount(after, lines, discount);
    const result: PlanChangeResultDto = {
      preview: dto.preview ?? false,
      effective,
      effectiveAt: (effective === 'now' ? now : sub.currentPeriodEnd).toISOString(),
      upgrade,
      subscription: toSubscriptionDto(after, discount),
      lines: shown.map((l) => toLineDto(l, after.currency)),
      totalCents: shown.reduce((a, l) => a + l.amountCents, 0),
      impact,
    };
    if (dto.preview) return this.previewed(tenantId, sub, result);

    const saved = (await this.subscriptions(tenantId).updateOne(
      { id: sub.id },
      {
        planId: after.planId,
        itemCode: after.itemCode,
        currency: after.currency,
        interval: after.interval,
        quantity: after.quantity,
        unitAmountCents: after.unitAmountCents,
        seatUnitAmountCents: after.seatUnitAmountCents,
        billingCycleAnchor: after.billingCycleAnchor,
        currentPeriodStart: after.currentPeriodStart,
        currentPeriodEnd: after.currentPeriodEnd,
        scheduledChange: after.scheduledChange,
      },
    ))!;
    if (effective === 'now') {
      await this.quotas.setBillingState(tenantId, { billingStatus: saved.status, trialEndsAt: saved.trialEndsAt, currentPeriodEndsAt: saved.currentPeriodEnd, licenses: saved.quantity, planId: plan.id });
      await this.ledger.record(saved, lines, 'plan.change');
      await this.ledger.invoiceNow(tenantId, 'subscription_update');
      await this.events.publish(new EntitlementChangedEvent(tenantId, { moduleCodes: impact.modulesTurningOff, cause: 'subscription.plan_changed' }));
    }
    result.subscription = toSubscriptionDto(saved, await this.ledger.liveDiscount(saved));
    await this.events.publish(
      new SubscriptionPlanChangedEvent(tenantId, { ...eventPayload(saved), previousPlanCode: sub.itemCode, newPlanCode: plan.code, effective, effectiveAt: result.effectiveAt, prorationCents: result.totalCents }),
    );
    await this.mrr.record(tenantId, 'subscription.plan_changed');
    this.context.noteAudit({ tenantId, resourceId: sub.id, resourceType: 'subscription', before: toSubscriptionDto(sub), after: result.subscription });
    return result;
  }

  /**
   * Extends the trial of the plan subscription to `trialEndsAt` or by `days`; the trial's period
   * ends with it. @throws AppError 409 `not_in_trial` | ValidationError (neither or both given, or
   * not after the current end) | NotFoundError
   */
  async extendTrial(tenantId: string, dto: ExtendTrialDto): Promise<TenantSubscriptionDto> {
    if ((dto.trialEndsAt === undefined) === (dto.days === undefined)) {
      throw new ValidationError([{ field: 'trialEndsAt', message: 'give exactly one of trialEndsAt and days' }]);
    }
    const sub = await this.lockPlanSubscription(tenantId);
    await this.quotas.lockForBillingChange(tenantId);
    if (sub.status !== 'trial' || !sub.trialEndsAt) throw new AppError('not_in_trial', 409, `The subscription is ${sub.status}, not in trial.`, { state: 'status', currentStatus: sub.status });
    const end = dto.trialEndsAt ?? new Date(sub.trialEndsAt.getTime() + dto.days! * 86_400_000);
    if (end.getTime() <= sub.trialEndsAt.getTime()) {
      throw new ValidationError([{ field: 'trialEndsAt', message: `trialEndsAt must be after the current trial end (${sub.trialEndsAt.toISOString()})` }]);
    }
    const saved = (await this.subscriptions(tenantId).updateOne({ id: sub.id }, { trialEndsAt: end, currentPeriodEnd: end, billingCycleAnchor: end }))!;
    await this.quotas.setBillingState(tenantId, { billingStatus: 'trial', trialEndsAt: end, currentPeriodEndsAt: end, licenses: saved.quantity });
    await this.events.publish(new SubscriptionUpdatedEvent(tenantId, { ...eventPayload(saved), changed: ['trialEndsAt'] }));
    this.context.noteAudit({ tenantId, resourceId: sub.id, resourceType: 'subscription', before: toSubscriptionDto(sub), after: toSubscriptionDto(saved), metadata: { reason: dto.reason } });
    return this.view(tenantId);
  }

  /** What moving to `plan` breaks: usage above the new limits, modules turning off. */
  private async impactOf(tenantId: string, plan: { limits: Record<string, number | null | undefined>; features: Record<string, boolean> }, licenses: number | null) {
    const overLimit = await this.quotas.overLimitOn(tenantId, plan.limits, this.clock.now(), licenses);
    const features = await this.quotas.features(tenantId);
    const liveModules = new Set(
      (await this.subscriptions(tenantId).find({ where: { kind: 'module' } })).filter((m) => m.status !== 'cancelled' && m.status !== 'suspended').map((m) => m.itemCode),
    );
    const known = new Set((await this.catalog.all()).map((m) => m.code));
    const modulesTurningOff = Object.keys(features.included)
      .filter((code) => features.included[code] === true && plan.features[code] !== true && known.has(code))
      .filter((code) => !liveModules.has(code) && features.overrides[code] !== true)
      .sort();
    return { overLimit, modulesTurningOff };
  }

  /**
   * Cancels the plan subscription at the end of its current period (a trial: at the trial end,
   * without converting), or with `cancel` false takes that back (Stripe's `cancel_at_period_end`).
   * Nothing is charged or credited; the billing lifecycle job applies it. Idempotent: asking again
   * changes nothing and publishes nothing.
   * @throws AppError 409 `subscription_already_cancelled` { currentStatus } | NotFoundError
   */
  async setCancelAtPeriodEnd(tenantId: string, cancel: boolean): Promise<SubscriptionDto> {
    const sub = await this.lockPlanSubscription(tenantId);
    const saved = await this.scheduleCancellation(tenantId, sub, cancel);
    return toSubscriptionDto(saved, await this.ledger.liveDiscount(saved));
  }

  /**
   * Sets `cancelAtPeriodEnd` of `sub` (locked by the caller) in the caller's transaction, with its
   * `subscription.updated` event and audit note when it changes.
   * @throws AppError 409 `subscription_already_cancelled` (already cancelled)
   */
  async scheduleCancellation(tenantId: string, sub: Subscription, cancel: boolean): Promise<Subscription> {
    if (sub.status === 'cancelled') {
      throw new AppError('subscription_already_cancelled', 409, `The subscription ${sub.itemCode} is already cancelled.`, { state: 'status', currentStatus: sub.status });
    }
    if (sub.cancelAtPeriodEnd === cancel) {
      this.context.noteAudit({ tenantId, resourceId: sub.id, resourceType: 'subscription', metadata: { changed: false } });
      return sub;
    }
    const saved = (await this.subscriptions(tenantId).updateOne({ id: sub.id }, { cancelAtPeriodEnd: cancel }))!;
    await this.events.publish(new SubscriptionUpdatedEvent(tenantId, { ...eventPayload(saved), changed: ['cancelAtPeriodEnd'] }));
    this.context.noteAudit({ tenantId, resourceId: sub.id, resourceType: 'subscription', before: toSubscriptionDto(sub), after: toSubscriptionDto(saved), metadata: { changed: true } });
    return saved;
  }

  /** The tenant's per-seat module subscriptions that are not over (trial, active, past_due), locked FOR UPDATE. */
  private liveSeatModules(tenantId: string): Promise<Subscription[]> {
    return this.subscriptions(tenantId)
      .queryBuilder('s')
      .andWhere(`s.kind = 'module'`)
      .andWhere('s.per_seat')
      .andWhere(`s.status IN ('trial', 'active', 'past_due')`)
      .orderBy('s.id')
      .setLock('pessimistic_write')
      .getMany();
  }

  /** Moves the per-seat module subscriptions to `quantity` licenses and records their prorations (`lines` by subscription id). */
  private async followLicenses(tenantId: string, modules: Subscription[], quantity: number, lines: Map<string, ChargeLine[]>, sourceAction: string): Promise<void> {
    for (const m of modules) {
      if (m.quantity === quantity) continue;
      const saved = (await this.subscriptions(tenantId).updateOne({ id: m.id }, { quantity }))!;
      await this.ledger.record(saved, lines.get(m.id) ?? [], sourceAction);
      await this.events.publish(new SubscriptionUpdatedEvent(tenantId, { ...eventPayload(saved), changed: ['quantity'] }));
    }
  }

  /** The tenant's pending invoice items, newest first. @throws NotFoundError `tenant_not_found` */
  async pendingItems(tenantId: string, query: PageQueryDto): Promise<Page<PendingInvoiceItemDto>> {
    if (!(await this.directory.findById(tenantId))) throw new NotFoundError('Tenant', tenantId);
    const [rows, total] = await this.items(tenantId).findAndCount({ order: { seq: 'DESC' }, take: query.limit, skip: query.offset });
    return toPage(rows.map(toPendingItemDto), total, query);
  }

  /** The plan subscription, locked FOR UPDATE. @throws NotFoundError `subscription_not_found` */
  private async lockPlanSubscription(tenantId: string): Promise<Subscription> {
    const sub = await this.subscriptions(tenantId).queryBuilder('s').andWhere(`s.kind = 'plan'`).setLock('pessimistic_write').getOne();
    if (!sub) await this.missing(tenantId);
    return sub!;
  }

  /** {@link lockPlanSubscription}, refusing a cancelled one (nothing left to change). @throws AppError 409 `subscription_already_cancelled` | NotFoundError */
  private async lockLivePlanSubscription(tenantId: string): Promise<Subscription> {
    const sub = await this.lockPlanSubscription(tenantId);
    if (sub.status === 'cancelled') {
      throw new AppError('subscription_already_cancelled', 409, `The subscription ${sub.itemCode} is cancelled; staff can reactivate it (PUT …/subscription with a status).`, { state: 'status', currentStatus: sub.status });
    }
    return sub;
  }

  /** Checks the tenant has a plan subscription. @throws NotFoundError `tenant_not_found` | `subscription_not_found` */
  async requirePlanSubscription(tenantId: string): Promise<void> {
    if (!(await this.subscriptions(tenantId).exists({ kind: 'plan' }))) await this.missing(tenantId);
  }

  /** @throws NotFoundError `tenant_not_found` for an unknown tenant, else `subscription_not_found`. */
  private async missing(tenantId: string): Promise<never> {
    if (!(await this.directory.findById(tenantId))) throw new NotFoundError('Tenant', tenantId);
    throw new NotFoundError('Subscription');
  }
}

export { eventPayload };
