import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { In, IsNull } from 'typeorm';
import { AppError, ConflictError, UnprocessableError } from '../../../common/errors';
import { EventBus } from '../../../common/events';
import { BillingInterval, Clock } from '../../../common/time';
import { TenantScopedRepository } from '../../../database/tenant-scoped.repository';
import type { Subscription, SubscriptionKind } from '../entities/subscription.entity';
import { CouponRedeemedEvent } from '../events/coupon.events';
import { Coupon } from './coupon.entity';
import { SubscriptionDiscountDto } from './coupon.dto';
import { periodsForDuration } from './discount';
import { SubscriptionDiscount } from './subscription-discount.entity';

/** Maps a live discount to its public shape. */
export function toSubscriptionDiscountDto(d: SubscriptionDiscount): SubscriptionDiscountDto {
  return {
    couponId: d.couponId,
    code: d.code,
    percentOff: d.percentOff === null ? null : Number(d.percentOff),
    amountOffCents: d.amountOffCents,
    currency: d.currency,
    duration: d.duration,
    periodsRemaining: d.periodsRemaining,
    redeemedAt: d.redeemedAt.toISOString(),
  };
}

/** What a coupon is redeemed on: the subscription as it will be billed (a plan change names the new plan). */
export interface RedemptionTarget {
  kind: SubscriptionKind;
  itemCode: string;
  currency: string;
  interval: BillingInterval;
}

/**
 * Redeems coupons on subscriptions, in the caller's transaction (the subscription change that
 * redeems it). Checks, each a problem naming `couponCode`: unknown (404 `coupon_not_found`),
 * inactive (422 `coupon_inactive`), past `redeemBy` (422 `coupon_expired`), fully redeemed (409
 * `coupon_redemption_limit_reached`), not for this plan or module (422 `coupon_not_applicable`),
 * an amount off in another currency (422 `coupon_currency_mismatch`). The redemption is counted by
 * one conditional UPDATE of the coupon row (never count-then-insert), so the last redemption goes
 * to exactly one caller; the row lock it takes is held until the caller's commit.
 */
@Injectable()
export class CouponRedemptions {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly events: EventBus,
    private readonly clock: Clock,
  ) {}

  private discounts(tenantId: string) {
    return new TenantScopedRepository(this.txHost.tx, SubscriptionDiscount, tenantId);
  }

  /**
   * Redeems the coupon `code` on `sub` (locked by the caller) billed as `target`: counts it, ends the
   * subscription's previous live discount (a new coupon replaces it, as in Stripe), records the
   * redemption and publishes `coupon.redeemed`. With `preview` it only checks and answers the
   * discount that would be recorded (nothing counted, nothing written).
   * @throws AppError 404 `coupon_not_found` | UnprocessableError `coupon_inactive` | `coupon_expired` |
   * `coupon_not_applicable` | `coupon_currency_mismatch` | ConflictError `coupon_redemption_limit_reached`
   */
  async redeem(sub: Subscription, code: string, target: RedemptionTarget, preview: boolean): Promise<SubscriptionDiscount> {
    const now = this.clock.now();
    const coupon = await this.txHost.tx.getRepository(Coupon).findOne({ where: { code: code.toUpperCase() } });
    if (!coupon) throw new AppError('coupon_not_found', 404, `No coupon has the code ${code.toUpperCase()}.`, { field: 'couponCode' });
    this.assertRedeemable(coupon, now);
    const { planCodes, moduleCodes } = coupon.appliesTo;
    if (planCodes.length + moduleCodes.length > 0 && !(target.kind === 'plan' ? planCodes : moduleCodes).includes(target.itemCode)) {
      throw new UnprocessableError('coupon_not_applicable', `The coupon ${coupon.code} does not apply to the ${target.kind} ${target.itemCode}.`, { field: 'couponCode' });
    }
    if (coupon.amountOffCents !== null && coupon.currency !== target.currency) {
      throw new UnprocessableError('coupon_currency_mismatch', `The coupon ${coupon.code} is in ${coupon.currency}; the subscription is billed in ${target.currency}.`, { field: 'couponCode' });
    }
    const values = {
      subscriptionId: sub.id,
      couponId: coupon.id,
      code: coupon.code,
      percentOff: coupon.percentOff,
      amountOffCents: coupon.amountOffCents,
      currency: coupon.currency,
      duration: coupon.duration,
      periodsRemaining: periodsForDuration(coupon.duration, coupon.durationInMonths, target.interval),
      redeemedAt: now,
      endedAt: null,
    };
    if (preview) return Object.assign(new SubscriptionDiscount(), values, { id: '00000000-0000-0000-0000-000000000000', tenantId: sub.tenantId, createdAt: now, updatedAt: now });

    const counted = await this.txHost.tx
      .createQueryBuilder()
      .update(Coupon)
      .set({ timesRedeemed: () => 'times_redeemed + 1' })
      .where('id = :id AND is_active AND (max_redemptions IS NULL OR times_redeemed < max_redemptions) AND (redeem_by IS NULL OR redeem_by > :now)', { id: coupon.id, now })
      .returning('id')
      .execute();
    if (!(counted.raw as unknown[]).length) {
      // Another transaction redeemed the last one, or staff changed the coupon, since it was read.
      const current = await this.txHost.tx.getRepository(Coupon).findOneByOrFail({ id: coupon.id });
      this.assertRedeemable(current, now);
      throw this.limitReached(current);
    }
    await this.discounts(sub.tenantId).update({ subscriptionId: sub.id, endedAt: IsNull() }, { endedAt: now });
    const saved = await this.discounts(sub.tenantId).insertOne(values);
    await this.events.publish(new CouponRedeemedEvent(sub.tenantId, { couponId: coupon.id, code: coupon.code, subscriptionId: sub.id }));
    return saved;
  }

  /** The live (not ended) discounts of the tenant's subscriptions `ids`, by subscription id. */
  async liveFor(tenantId: string, ids: string[]): Promise<Map<string, SubscriptionDiscount>> {
    if (!ids.length) return new Map();
    const rows = await this.discounts(tenantId).find({ where: { subscriptionId: In(ids), endedAt: IsNull() } });
    return new Map(rows.map((d) => [d.subscriptionId, d]));
  }

  /** Ends the subscription's live discount now; returns it, or null when it had none. */
  async end(sub: Pick<Subscription, 'id' | 'tenantId'>): Promise<SubscriptionDiscount | null> {
    const live = await this.discounts(sub.tenantId).findOne({ subscriptionId: sub.id, endedAt: IsNull() });
    if (!live) return null;
    return this.discounts(sub.tenantId).updateOne({ id: live.id }, { endedAt: this.clock.now() });
  }

  /** @throws UnprocessableError `coupon_inactive` | `coupon_expired` | ConflictError `coupon_redemption_limit_reached` */
  private assertRedeemable(coupon: Coupon, now: Date): void {
    if (!coupon.isActive) throw new UnprocessableError('coupon_inactive', `The coupon ${coupon.code} is not active.`, { field: 'couponCode' });
    if (coupon.redeemBy && coupon.redeemBy.getTime() <= now.getTime()) {
      throw new UnprocessableError('coupon_expired', `The coupon ${coupon.code} could be redeemed until ${coupon.redeemBy.toISOString()}.`, { field: 'couponCode' });
    }
    if (coupon.maxRedemptions !== null && coupon.timesRedeemed >= coupon.maxRedemptions) throw this.limitReached(coupon);
  }

  private limitReached(coupon: Coupon): ConflictError {
    return new ConflictError('coupon_redemption_limit_reached', `The coupon ${coupon.code} has reached its ${coupon.maxRedemptions} redemptions.`, { field: 'couponCode' });
  }
}
