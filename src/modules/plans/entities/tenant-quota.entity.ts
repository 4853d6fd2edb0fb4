import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { TenantOwned } from '../../../database/tenant-scoped.repository';
import type { PlanLimits } from './plan.entity';

/** Billing status of a tenant (seed 003's TenantQuota). */
export const BILLING_STATUSES = ['trial', 'active', 'past_due', 'suspended', 'cancelled'] as const;
export type BillingStatus = (typeof BILLING_STATUSES)[number];

/**
 * A tenant's plan, limit overrides and billing state (seed 003). Effective limit of a metric =
 * override ?? plan limit. The row is also the lock that serialises seat reservations.
 */
@TenantOwned()
@Entity({ name: 'tenant_quotas' })
@Index('ix_tenant_quotas_plan', ['planId'])
@Index('ix_tenant_quotas_billing_status', ['billingStatus'])
@Index('ix_tenant_quotas_trial_ends', ['trialEndsAt'])
@Index('ix_tenant_quotas_rate_limit_override', ['rateLimitOverrideUntil'], { where: 'rate_limit_override_requests_per_minute IS NOT NULL' })
export class TenantQuota {
  @PrimaryColumn('uuid') tenantId: string;
  @Column({ type: 'uuid' }) planId: string;
  /** Metric → limit override; a key present with null means unlimited; absent means the plan's limit. */
  @Column({ type: 'jsonb', default: () => `'{}'` }) limitOverrides: PlanLimits;
  /** Module code → enabled, overriding the plan's features. */
  @Column({ type: 'jsonb', default: () => `'{}'` }) featureOverrides: Record<string, boolean>;
  /**
   * Licensed user seats of the plan subscription (written by billing with its subscription, in one
   * transaction): the `members` limit unless a staff override is set; null = the plan's limit.
   */
  @Column({ type: 'int', nullable: true }) licenses: number | null;
  /** The plan subscription's status (billing writes it with the subscription, never on its own). */
  @Column({ type: 'text' }) billingStatus: BillingStatus;
  @Column({ type: 'timestamptz', nullable: true }) trialEndsAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) currentPeriodEndsAt: Date | null;
  @Column({ type: 'text', nullable: true }) externalCustomerId: string | null;
  @Column({ type: 'text', nullable: true }) notes: string | null;
  /**
   * Staff override of the tenant's request rate (temporary throttling of a noisy tenant, or a
   * raise): requests per minute and burst, both set or both null; it stops applying at `until`
   * (exclusive; null = until cleared) with no job clearing it (src/modules/plans/rate-limit.ts).
   */
  @Column({ type: 'int', nullable: true }) rateLimitOverrideRequestsPerMinute: number | null;
  @Column({ type: 'int', nullable: true }) rateLimitOverrideBurst: number | null;
  @Column({ type: 'timestamptz', nullable: true }) rateLimitOverrideUntil: Date | null;
  @Column({ type: 'text', nullable: true }) rateLimitOverrideReason: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
