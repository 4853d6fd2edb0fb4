import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { TenantOwned } from '../../../database/tenant-scoped.repository';

/** The platform's default retry schedule after a failed renewal charge: days after the first failure (Stripe's default spread). */
export const DEFAULT_RETRY_DAYS = [1, 3, 5, 7];
/** Default days between the last failed retry and enforcement. */
export const DEFAULT_GRACE_DAYS = 3;

/**
 * The platform's dunning policy (one row, id 1): when a failed invoice is retried and how long
 * after the last failed retry the policy acts. Read at each step, so a change applies to
 * invoices already in dunning from their next step on.
 */
@Entity({ name: 'dunning_policy' })
@Check('ck_dunning_policy_singleton', `id = 1`)
@Check('ck_dunning_policy_grace', `grace_days >= 0`)
export class DunningPolicy {
  @PrimaryColumn({ type: 'int' }) id: number;
  /** Days after the first failure, ascending (e.g. 1, 3, 5, 7). */
  @Column({ type: 'int', array: true }) retryDays: number[];
  @Column({ type: 'int' }) graceDays: number;
  @Column({ type: 'uuid', nullable: true }) updatedBy: string | null;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}

/** Dunning case statuses: retrying → recovered (paid) | exhausted (retries used up) → enforced; closed (voided, written off, cancelled). */
export const DUNNING_STATUSES = ['retrying', 'exhausted', 'enforced', 'recovered', 'closed'] as const;
export type DunningStatus = (typeof DUNNING_STATUSES)[number];

/**
 * The collection of one unpaid invoice after its first failed charge (or, without automatic
 * collection, after its due date): the retries made, the next one, and when the policy acts on
 * the subscriptions the invoice bills. One case per invoice.
 */
@TenantOwned()
@Entity({ name: 'dunning_cases' })
@Index('ux_dunning_cases_invoice', ['invoiceId'], { unique: true })
@Index('ix_dunning_cases_due', ['status', 'nextRetryAt'])
@Check('ck_dunning_cases_status', `status IN ('retrying', 'exhausted', 'enforced', 'recovered', 'closed')`)
export class DunningCase {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @Column({ type: 'uuid' }) invoiceId: string;
  @Column({ type: 'text' }) status: DunningStatus;
  /** When collection first failed: the retry days count from here. */
  @Column({ type: 'timestamptz' }) startedAt: Date;
  /** Retries made so far (the first failed attempt is not a retry). */
  @Column({ type: 'int', default: 0 }) retries: number;
  @Column({ type: 'timestamptz', nullable: true }) nextRetryAt: Date | null;
  @Column({ type: 'text', nullable: true }) lastFailureCode: string | null;
  /** When the policy acts (last failed retry + grace days). */
  @Column({ type: 'timestamptz', nullable: true }) enforceAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) enforcedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) resolvedAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
