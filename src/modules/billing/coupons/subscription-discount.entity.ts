import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { TenantOwned } from '../../../database/tenant-scoped.repository';
import { bigintNumber } from '../../../database/transformers';
import type { CouponDuration } from './discount';

/**
 * A coupon redeemed on one of a tenant's subscriptions (Stripe's discount): the redemption record
 * and the live discount the charge ledger applies. The coupon's code and price terms are copied
 * (they are immutable on the coupon anyway), so the ledger needs no join. `periodsRemaining`
 * counts the full periods still discounted (null: forever); each full period charged takes one,
 * and the discount ends (`endedAt`) at 0, when staff remove it, another coupon replaces it, or the
 * subscription ends (cancelled now, at its period end or its trial end).
 * At most one live (not ended) discount per subscription.
 */
@TenantOwned()
@Entity({ name: 'subscription_discounts' })
@Index('ux_subscription_discounts_live', ['subscriptionId'], { unique: true, where: 'ended_at IS NULL' })
@Index('ix_subscription_discounts_tenant', ['tenantId', 'redeemedAt'])
@Index('ix_subscription_discounts_coupon', ['couponId'])
@Check('ck_subscription_discounts_periods', `periods_remaining IS NULL OR periods_remaining >= 0`)
export class SubscriptionDiscount {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @Column({ type: 'uuid' }) subscriptionId: string;
  @Column({ type: 'uuid' }) couponId: string;
  @Column({ type: 'text' }) code: string;
  @Column({ type: 'numeric', precision: 5, scale: 2, nullable: true }) percentOff: string | null;
  @Column({ type: 'bigint', transformer: bigintNumber, nullable: true }) amountOffCents: number | null;
  @Column({ type: 'char', length: 3, nullable: true }) currency: string | null;
  @Column({ type: 'text' }) duration: CouponDuration;
  @Column({ type: 'int', nullable: true }) periodsRemaining: number | null;
  @Column({ type: 'timestamptz' }) redeemedAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) endedAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
