import { Column, CreateDateColumn, Entity, Generated, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { BillingInterval } from '../../../../common/time';
import { TenantOwned } from '../../../../database/tenant-scoped.repository';
import { bigintNumber } from '../../../../database/transformers';
import type { SubscriptionKind, SubscriptionStatus } from '../../entities/subscription.entity';
import type { MrrDiscount } from '../metrics';

/**
 * A snapshot of what a subscription's MRR depends on, appended by the MrrRecorder whenever one of
 * those columns changed (docs/adr/0022): valid from `validFrom` (the injected Clock's instant)
 * until the subscription's next snapshot. `changeId` groups the snapshots of one recording (with
 * its movements); `previousStatus` is the status of the snapshot before (null for the first), so a
 * trial's end is one indexed row. Prices in minor units per billing interval, as on `subscriptions`.
 */
@TenantOwned()
@Entity({ name: 'subscription_history' })
@Index('ix_subscription_history_tenant', ['tenantId', 'seq'])
@Index('ix_subscription_history_subscription', ['subscriptionId', 'seq'])
@Index('ix_subscription_history_trial_ends', ['validFrom'], { where: `previous_status = 'trial' AND status <> 'trial'` })
export class SubscriptionHistory {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'bigint', transformer: bigintNumber, insert: false, update: false })
  @Generated('increment')
  seq: number;
  @Column({ type: 'uuid' }) tenantId: string;
  @Column({ type: 'uuid' }) subscriptionId: string;
  @Column({ type: 'uuid' }) changeId: string;
  @Column({ type: 'timestamptz' }) validFrom: Date;
  @Column({ type: 'text' }) kind: SubscriptionKind;
  @Column({ type: 'text' }) itemCode: string;
  @Column({ type: 'text' }) status: SubscriptionStatus;
  @Column({ type: 'text', nullable: true }) previousStatus: SubscriptionStatus | null;
  @Column({ type: 'text' }) interval: BillingInterval;
  @Column({ type: 'int', nullable: true }) quantity: number | null;
  @Column({ type: 'boolean' }) perSeat: boolean;
  @Column({ type: 'bigint', transformer: bigintNumber }) unitAmountCents: number;
  @Column({ type: 'bigint', transformer: bigintNumber }) seatUnitAmountCents: number;
  @Column({ type: 'bigint', transformer: bigintNumber, nullable: true }) priceOverrideCents: number | null;
  @Column({ type: 'char', length: 3 }) currency: string;
  /** The discount the MRR was computed with (null: none). */
  @Column({ type: 'jsonb', nullable: true }) discount: MrrDiscount | null;
  /** The recording's cause (as on its movements). */
  @Column({ type: 'text' }) cause: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
