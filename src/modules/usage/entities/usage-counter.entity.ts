import { Check, Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { TenantOwned } from '../../../database/tenant-scoped.repository';
import { bigintNumber } from '../../../database/transformers';

/**
 * One counter: the value of one registry metric for one tenant in one period (primary key
 * tenant, metric, period start). A `count` metric (a level) has one row at the fixed period start
 * 1970-01-01 (`COUNT_PERIOD_START`); a `period_total` metric has one row per calendar month (UTC),
 * starting on its first day, so a new month is a new row and the total resets by construction.
 * Old months stay as history.
 */
@TenantOwned()
@Entity({ name: 'usage_counters' })
@Check('ck_usage_counters_value_not_negative', `"value" >= 0`)
export class UsageCounter {
  @PrimaryColumn('uuid') tenantId: string;
  /** Registry code (`members`, `automationsPerMonth`, …; src/modules/plans/metrics.ts). */
  @PrimaryColumn({ type: 'text' }) metric: string;
  /** First UTC day of the period, YYYY-MM-DD. */
  @PrimaryColumn({ type: 'date' }) periodStart: string;
  @Column({ type: 'bigint', transformer: bigintNumber, default: 0 }) value: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
