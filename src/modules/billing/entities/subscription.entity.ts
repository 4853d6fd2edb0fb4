import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { BillingInterval } from '../../../common/time';
import { TenantOwned } from '../../../database/tenant-scoped.repository';
import { bigintNumber } from '../../../database/transformers';

/** What a subscription is for: the tenant's plan (one per tenant) or one module. */
export const SUBSCRIPTION_KINDS = ['plan', 'module'] as const;
export type SubscriptionKind = (typeof SUBSCRIPTION_KINDS)[number];

/** Subscription statuses (Stripe's trialing/active/past_due/… in this product's words). */
export const SUBSCRIPTION_STATUSES = ['trial', 'active', 'past_due', 'suspended', 'cancelled'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** A change that takes effect at the end of the current period (e.g. a downgrade). */
export interface ScheduledChange {
  planCode?: string;
  interval?: BillingInterval;
  /** Licenses from then on (a plan that sells a fixed number of seats, or none: null). */
  quantity?: number | null;
  effectiveAt: string;
}

/**
 * A tenant's subscription to its plan or to a module, with the unit prices captured when it was
 * created or last changed (a later catalog price change does not touch it: grandfathering).
 * Amounts in minor units of `currency` per billing interval:
 * - plan: `unitAmountCents` (base) + `seatUnitAmountCents` × `quantity` (licenses);
 * - module: `unitAmountCents`, × `quantity` when the module is priced per seat;
 * `priceOverrideCents`, when set, replaces that total (a negotiated price).
 * Periods are half-open [currentPeriodStart, currentPeriodEnd), UTC, anchored at `billingCycleAnchor`.
 */
@TenantOwned()
@Entity({ name: 'subscriptions' })
@Index('ux_subscriptions_plan_per_tenant', ['tenantId'], { unique: true, where: `kind = 'plan'` })
@Index('ux_subscriptions_live_module', ['tenantId', 'moduleId'], { unique: true, where: `kind = 'module' AND status <> 'cancelled'` })
@Index('ix_subscriptions_status', ['status', 'currentPeriodEnd'])
export class Subscription {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @Column({ type: 'text' }) kind: SubscriptionKind;
  @Column({ type: 'uuid', nullable: true }) planId: string | null;
  @Column({ type: 'uuid', nullable: true }) moduleId: string | null;
  /** The plan's or module's code when the subscription was created or changed. */
  @Column({ type: 'text' }) itemCode: string;
  @Column({ type: 'text' }) status: SubscriptionStatus;
  @Column({ type: 'text' }) interval: BillingInterval;
  /**
   * Licenses (plan; per-seat module) or 1 (flat module). Null on a plan subscription whose plan
   * neither limits members nor prices seats: its seats are not licensed.
   */
  @Column({ type: 'int', nullable: true }) quantity: number | null;
  /** Whether the unit price is per seat (per-seat module); a plan's seats are priced by `seatUnitAmountCents`. */
  @Column({ type: 'boolean', default: false }) perSeat: boolean;
  @Column({ type: 'bigint', transformer: bigintNumber }) unitAmountCents: number;
  @Column({ type: 'bigint', transformer: bigintNumber, default: 0 }) seatUnitAmountCents: number;
  @Column({ type: 'bigint', transformer: bigintNumber, nullable: true }) priceOverrideCents: number | null;
  @Column({ type: 'char', length: 3 }) currency: string;
  @Column({ type: 'timestamptz' }) billingCycleAnchor: Date;
  @Column({ type: 'timestamptz' }) currentPeriodStart: Date;
  @Column({ type: 'timestamptz' }) currentPeriodEnd: Date;
  @Column({ type: 'timestamptz', nullable: true }) trialStart: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) trialEndsAt: Date | null;
  /** The trial end the 3-days-before reminder (subscription.trial_will_end) was sent for: sent once per trial end. */
  @Column({ type: 'timestamptz', nullable: true }) trialReminderSentFor: Date | null;
  @Column({ type: 'boolean', default: false }) cancelAtPeriodEnd: boolean;
  @Column({ type: 'timestamptz', nullable: true }) cancelledAt: Date | null;
  @Column({ type: 'jsonb', nullable: true }) scheduledChange: ScheduledChange | null;
  @Column({ type: 'text', nullable: true }) paymentMethodLabel: string | null;
  @Column({ type: 'text', nullable: true }) notes: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
