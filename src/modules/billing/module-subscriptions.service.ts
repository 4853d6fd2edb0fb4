import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { RequestContext } from '../../common/context';
import { AppError, ConflictError, NotFoundError, UnprocessableError } from '../../common/errors';
import { EventBus } from '../../common/events';
import { addBillingPeriods, Clock } from '../../common/time';
import { TenantScopedRepository } from '../../database/tenant-scoped.repository';
import { CatalogModule, ModuleCatalogService, QuotaService } from '../plans';
import { ChargeLedger } from './charge-ledger';
import { CouponRedemptions } from './coupons/coupon-redemptions.service';
import { EntitlementDto, MarketplaceModuleDto, ModuleSubscriptionResultDto, SubscribeModuleDto } from './dto/module-subscription.dto';
import { Page, PageQueryDto, toPage } from '../../common/http';
import { ModuleDeactivation } from './entities/module-deactivation.entity';
import { ModuleTrial } from './entities/module-trial.entity';
import { Subscription } from './entities/subscription.entity';
import { EntitlementsService } from './entitlements.service';
import { EntitlementChangedEvent, ModuleActivatedEvent, ModuleDeactivatedEvent, ModuleSubscribedEvent, ModuleUnsubscribedEvent } from './events/module.events';
import { SubscriptionCancelledEvent } from './events/subscription.events';
import { fullPeriodLines, periodAmountCents } from './pricing';
import { ChargeLine, remainingFraction, roundCents } from './proration';
import { eventPayload, SubscriptionsService, toLineDto, toSubscriptionDto } from './subscriptions.service';
import { SubscriptionDto } from './dto/subscription.dto';
import { MrrRecorder } from './revenue/mrr-recorder';

/**
 * The module marketplace of a tenant: browse, subscribe (free trial or paid), and the tenant's own
 * on/off switch. One transaction per change with its audit row, its events and the entitlement
 * change (the cache is refreshed after commit). "Now" is the injected Clock.
 */
@Injectable()
export class ModuleSubscriptionsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly catalog: ModuleCatalogService,
    private readonly quotas: QuotaService,
    private readonly entitlements: EntitlementsService,
    private readonly ledger: ChargeLedger,
    private readonly events: EventBus,
    private readonly context: RequestContext,
    private readonly clock: Clock,
    private readonly subscriptions: SubscriptionsService,
    private readonly redemptions: CouponRedemptions,
    private readonly mrr: MrrRecorder,
  ) {}

  /** Every active module (and any the tenant subscribes to), with prices, trial availability and the tenant's state. */
  async marketplace(tenantId: string, query: PageQueryDto): Promise<Page<MarketplaceModuleDto>> {
    const views = await this.entitlements.views(tenantId);
    const trials = await new TenantScopedRepository(this.txHost.tx, ModuleTrial, tenantId).find();
    const used = new Set(trials.map((t) => t.moduleId));
    const discounts = await this.redemptions.liveFor(tenantId, views.flatMap((v) => (v.subscription ? [v.subscription.id] : [])));
    const rows: MarketplaceModuleDto[] = views
        .filter((v) => v.module.isActive || (v.subscription && v.subscription.status !== 'cancelled'))
        .map((v) => ({
          code: v.module.code,
          name: v.module.name,
          description: v.module.description,
          pricingModel: v.module.pricingModel,
          monthlyPriceCents: v.module.monthlyPriceCents,
          annualPriceCents: v.module.annualPriceCents,
          currency: v.module.currency,
          trialDays: v.module.trialDays,
          trialAvailable: v.module.isActive && v.module.trialDays > 0 && !used.has(v.module.id),
          state: v.includedInPlan ? 'included' : (v.subscription?.status ?? 'not_subscribed'),
          activated: !v.deactivated,
          isEntitled: v.enabled,
          subscription: v.subscription ? toSubscriptionDto(v.subscription, discounts.get(v.subscription.id) ?? null) : null,
        }));
    return toPage(rows.slice(query.offset, query.offset + query.limit), rows.length, query);
  }

  /** Every catalog module, by code, with `isEntitled` and the reason. */
  async entitlementList(tenantId: string, query: PageQueryDto): Promise<Page<EntitlementDto>> {
    const rows = (await this.entitlements.views(tenantId)).map((v) => ({ module: v.module.code, name: v.module.name, isEntitled: v.enabled, reason: v.reason }));
    return toPage(rows.slice(query.offset, query.offset + query.limit), rows.length, query);
  }

  /**
   * Subscribes the tenant to a module: with its free trial (default when offered and unused; one
   * per module per tenant, decided by the module_trials key) nothing is charged until it ends;
   * paid, a period of `interval` starts now and its charge is recorded. A per-seat module's
   * quantity is the plan subscription's licenses. Prices are captured now. A `couponCode` is
   * redeemed on the new subscription, so its discount comes off the first period's charge (none
   * counted on a preview).
   * @throws NotFoundError `module_not_found` | UnprocessableError `module_unavailable` |
   * ConflictError `module_already_subscribed` | `module_included_in_plan` | `trial_already_used` | `trial_not_available`
   */
  async subscribe(tenantId: string, code: string, dto: SubscribeModuleDto): Promise<ModuleSubscriptionResultDto> {
    const module = await this.activeModule(code);
    const subs = new TenantScopedRepository(this.txHost.tx, Subscription, tenantId);
    // The plan subscription's row lock serialises the tenant's subscription changes.
    const plan = await subs.queryBuilder('s').andWhere(`s.kind = 'plan'`).setLock('pessimistic_write').getOne();
    if (!plan) throw new NotFoundError('Subscription');
    const features = await this.quotas.features(tenantId);
    if (features.included[module.code] === true) throw new ConflictError('module_included_in_plan', `The plan ${features.planCode} includes ${module.code}.`, { state: 'included' });
    const live = await subs.queryBuilder('s').andWhere(`s.kind = 'module'`).andWhere('s.module_id = :moduleId', { moduleId: module.id }).andWhere(`s.status <> 'cancelled'`).getOne();
    if (live) throw new ConflictError('module_already_subscribed', `The tenant already subscribes to ${module.code} (${live.status}).`, { state: live.status });
    const trialUsed = await new TenantScopedRepository(this.txHost.tx, ModuleTrial, tenantId).exists({ moduleId: module.id });
    const trial = dto.trial ?? (module.trialDays > 0 && !trialUsed);
    if (trial && module.trialDays === 0) throw new ConflictError('trial_not_available', `The module ${module.code} offers no free trial.`, { state: 'no_trial' });
    if (trial && trialUsed) throw new ConflictError('trial_already_used', `The tenant has already had its free trial of ${module.code}.`, { state: 'trial_used' });

    const now = this.clock.now();
    const trialEndsAt = trial ? new Date(now.getTime() + module.trialDays * 86_400_000) : null;
    const periodEnd = trialEndsAt ?? addBillingPeriods(now, dto.interval, 1);
    const perSeat = module.pricingModel === 'per_seat';
    const values = {
      kind: 'module' as const,
      planId: null,
      moduleId: module.id,
      itemCode: module.code,
      status: trial ? ('trial' as const) : ('active' as const),
      interval: dto.interval,
      quantity: perSeat ? (plan.quantity ?? (await this.quotas.lockForBillingChange(tenantId)).membersUsed) : 1,
      perSeat,
      unitAmountCents: dto.interval === 'month' ? module.monthlyPriceCents : module.annualPriceCents,
      seatUnitAmountCents: 0,
      priceOverrideCents: null,
      currency: module.currency,
      billingCycleAnchor: trialEndsAt ?? now,
      currentPeriodStart: now,
      currentPeriodEnd: periodEnd,
      trialStart: trial ? now : null,
      trialEndsAt,
      cancelAtPeriodEnd: false,
      cancelledAt: null,
      scheduledChange: null,
      paymentMethodLabel: null,
      notes: null,
    };
    const draft = { ...values, id: '00000000-0000-0000-0000-000000000000', tenantId, createdAt: now, updatedAt: now } as Subscription;
    const lines = trial ? [] : fullPeriodLines(draft);
    const target = { kind: 'module' as const, itemCode: module.code, currency: module.currency, interval: dto.interval };
    if (dto.preview) {
      const discount = dto.couponCode ? await this.redemptions.redeem(draft, dto.couponCode, target, true) : null;
      const shown = await this.ledger.withDiscount(draft, lines, discount);
      this.context.noteAudit({ tenantId, resourceType: 'module_subscription' });
      return { preview: true, subscription: toSubscriptionDto(draft, discount), lines: shown.map((l) => toLineDto(l, module.currency)), totalCents: shown.reduce((a, l) => a + l.amountCents, 0) };
    }

    const sub = await subs.insertOne(values);
    const discount = dto.couponCode ? await this.redemptions.redeem(sub, dto.couponCode, target, false) : null;
    if (trial) {
      const inserted = await new TenantScopedRepository(this.txHost.tx, ModuleTrial, tenantId).insertOne({ moduleId: module.id, subscriptionId: sub.id }, { orIgnore: true });
      if (!inserted) throw new ConflictError('trial_already_used', `The tenant has already had its free trial of ${module.code}.`, { state: 'trial_used' });
    }
    const recorded = await this.ledger.record(sub, lines, 'module.subscribe');
    if (lines.length) await this.ledger.invoiceNow(tenantId, 'subscription_create');
    await this.events.publish(
      new ModuleSubscribedEvent(tenantId, { moduleCode: module.code, moduleId: module.id, subscriptionId: sub.id, status: sub.status, interval: sub.interval, trialEndsAt: sub.trialEndsAt?.toISOString() ?? null }),
    );
    await this.events.publish(new EntitlementChangedEvent(tenantId, { moduleCodes: [module.code], cause: 'module.subscribed' }));
    await this.mrr.record(tenantId, 'module.subscribed');
    const result: ModuleSubscriptionResultDto = {
      preview: false,
      subscription: toSubscriptionDto(sub, discount ? await this.ledger.liveDiscount(sub) : null),
      lines: recorded.map((l) => toLineDto(l, module.currency)),
      totalCents: recorded.reduce((a, l) => a + l.amountCents, 0),
    };
    this.context.noteAudit({ tenantId, resourceId: sub.id, resourceType: 'module_subscription', after: result.subscription });
    return result;
  }

  /**
   * The tenant's own switch: `on` false switches the module off (not enabled, billing unchanged),
   * true on again. Idempotent (no event when nothing changes). Answers the module's entitlement.
   * @throws NotFoundError `module_not_found`
   */
  async setActivated(tenantId: string, code: string, on: boolean): Promise<{ module: string; activated: boolean; isEntitled: boolean; reason: string }> {
    const module = await this.catalog.byCode(code);
    if (!module) throw new AppError('module_not_found', 404, `Module ${code} was not found.`);
    const repo = new TenantScopedRepository(this.txHost.tx, ModuleDeactivation, tenantId);
    const changed = on ? (await repo.delete({ moduleId: module.id })) > 0 : (await repo.insertOne({ moduleId: module.id }, { orIgnore: true })) !== null;
    if (changed) {
      const payload = { moduleCode: module.code, moduleId: module.id };
      await this.events.publish(on ? new ModuleActivatedEvent(tenantId, payload) : new ModuleDeactivatedEvent(tenantId, payload));
      await this.events.publish(new EntitlementChangedEvent(tenantId, { moduleCodes: [module.code], cause: on ? 'module.activated' : 'module.deactivated' }));
    }
    const view = (await this.entitlements.views(tenantId)).find((v) => v.module.id === module.id)!;
    this.context.noteAudit({ tenantId, resourceId: module.id, resourceType: 'module', after: { module: module.code, activated: on, changed } });
    return { module: module.code, activated: !view.deactivated, isEntitled: view.enabled, reason: view.reason };
  }

  /**
   * Cancels the tenant's module subscription at the end of its current period (a trial at the
   * trial end), or with `cancel` false takes that back. Billing unchanged until then; the billing
   * lifecycle job ends it. Idempotent.
   * @throws AppError 404 `module_not_found` | 409 `module_not_subscribed`
   */
  async setCancelAtPeriodEnd(tenantId: string, code: string, cancel: boolean): Promise<SubscriptionDto> {
    const { sub } = await this.lockLive(tenantId, code);
    return toSubscriptionDto(await this.subscriptions.scheduleCancellation(tenantId, sub, cancel), await this.ledger.liveDiscount(sub));
  }

  /**
   * The staff form of {@link setCancelAtPeriodEnd}: the subscription as it will be, no lines (nothing
   * is charged or credited), and with `preview` nothing changes.
   * @throws AppError 404 `module_not_found` | 409 `module_not_subscribed` | `subscription_already_cancelled`
   */
  async cancelAtPeriodEnd(tenantId: string, code: string, preview: boolean): Promise<ModuleSubscriptionResultDto> {
    const { sub } = await this.lockLive(tenantId, code);
    const after = preview ? { ...sub, cancelAtPeriodEnd: true } : await this.subscriptions.scheduleCancellation(tenantId, sub, true);
    if (preview) this.context.noteAudit({ tenantId, resourceId: sub.id, resourceType: 'module_subscription' });
    return { preview, subscription: toSubscriptionDto(after, await this.ledger.liveDiscount(sub)), lines: [], totalCents: 0 };
  }

  /**
   * Ends the tenant's module subscription now (staff): status cancelled, the module turns off, and
   * the unused part of a paid period is credited (Stripe's cancel with `prorate`; nothing in trial).
   * The subscription's live discount ends with it. With `preview` nothing changes. Publishes `subscription.cancelled` and `module.unsubscribed`.
   * @throws AppError 404 `module_not_found` | 409 `module_not_subscribed`
   */
  async cancelNow(tenantId: string, code: string, preview: boolean): Promise<ModuleSubscriptionResultDto> {
    const { sub, module } = await this.lockLive(tenantId, code);
    const now = this.clock.now();
    const lines: ChargeLine[] = [];
    if (sub.status !== 'trial') {
      const credit = roundCents(remainingFraction({ start: sub.currentPeriodStart, end: sub.currentPeriodEnd }, now).mul(periodAmountCents(sub)));
      if (credit) lines.push({ description: `Unused time on ${sub.itemCode}`, quantity: -1, unitAmountCents: periodAmountCents(sub), amountCents: -credit, period: { start: now, end: sub.currentPeriodEnd }, proration: true });
    }
    const after: Subscription = { ...sub, status: 'cancelled', cancelledAt: now, cancelAtPeriodEnd: false };
    const result: ModuleSubscriptionResultDto = { preview, subscription: toSubscriptionDto(after), lines: lines.map((l) => toLineDto(l, sub.currency)), totalCents: lines.reduce((a, l) => a + l.amountCents, 0) };
    if (preview) {
      this.context.noteAudit({ tenantId, resourceId: sub.id, resourceType: 'module_subscription' });
      return result;
    }
    const repo = new TenantScopedRepository(this.txHost.tx, Subscription, tenantId);
    const saved = (await repo.updateOne({ id: sub.id }, { status: 'cancelled', cancelledAt: now, cancelAtPeriodEnd: false }))!;
    await this.redemptions.end(saved);
    await this.ledger.record(saved, lines, 'module.cancel');
    await this.events.publish(new SubscriptionCancelledEvent(tenantId, { ...eventPayload(saved), cancelledAt: now.toISOString() }));
    await this.events.publish(new ModuleUnsubscribedEvent(tenantId, { moduleCode: module.code, moduleId: module.id, subscriptionId: saved.id, cancelledAt: now.toISOString() }));
    await this.events.publish(new EntitlementChangedEvent(tenantId, { moduleCodes: [module.code], cause: 'module.unsubscribed' }));
    await this.mrr.record(tenantId, 'module.unsubscribed');
    result.subscription = toSubscriptionDto(saved);
    this.context.noteAudit({ tenantId, resourceId: sub.id, resourceType: 'module_subscription', before: toSubscriptionDto(sub), after: result.subscription });
    return result;
  }

  /**
   * The module and the tenant's live (not cancelled) subscription to it, locked FOR UPDATE after
   * the plan subscription (the lock order of every subscription change).
   * @throws AppError 404 `module_not_found` | 409 `module_not_subscribed`
   */
  private async lockLive(tenantId: string, code: string): Promise<{ sub: Subscription; module: CatalogModule }> {
    const module = await this.catalog.byCode(code);
    if (!module) throw new AppError('module_not_found', 404, `Module ${code} was not found.`);
    const subs = new TenantScopedRepository(this.txHost.tx, Subscription, tenantId);
    await subs.queryBuilder('s').andWhere(`s.kind = 'plan'`).setLock('pessimistic_write').getOne();
    const sub = await subs
      .queryBuilder('s')
      .andWhere(`s.kind = 'module'`)
      .andWhere('s.module_id = :moduleId', { moduleId: module.id })
      .andWhere(`s.status <> 'cancelled'`)
      .setLock('pessimistic_write')
      .getOne();
    if (!sub) throw new AppError('module_not_subscribed', 409, `The tenant does not subscribe to ${module.code}.`, { state: 'not_subscribed' });
    return { sub, module };
  }

  /** @throws AppError 404 `module_not_found` | UnprocessableError `module_unavailable` (inactive) */
  private async activeModule(code: string): Promise<CatalogModule> {
    const module = await this.catalog.byCode(code);
    if (!module) throw new AppError('module_not_found', 404, `Module ${code} was not found.`);
    if (!module.isActive) throw new UnprocessableError('module_unavailable', `Module ${code} is not offered any more.`, { field: 'moduleCode' });
    return module;
  }
}
