import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { bigintNumber } from '../../../database/transformers';
import type { MetricCode } from '../metrics';

/** A metric a plan can limit: a code of the metric registry (src/modules/plans/metrics.ts). */
export type QuotaMetric = MetricCode;

/**
 * Per-metric limits, keyed by registry code; a null or absent metric is unlimited. Stored as jsonb,
 * so a key of a metric that left the registry may linger in old rows: read through `pickMetrics`.
 */
export type PlanLimits = Partial<Record<QuotaMetric, number | null>>;

/** A plan of the catalog. `code` is a unique, immutable lowercase slug. Prices in minor units. */
@Entity({ name: 'plans' })
@Index('ux_plans_code', ['code'], { unique: true })
export class Plan {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) code: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text', nullable: true }) description: string | null;
  @Column({ type: 'bigint', transformer: bigintNumber, default: 0 }) monthlyPriceCents: number;
  @Column({ type: 'bigint', transformer: bigintNumber, default: 0 }) annualPriceCents: number;
  /** ISO 4217 code, uppercase. */
  /** Price of one license (user seat) per month / per year, in minor units; 0 = seats are included. */
  @Column({ type: 'bigint', transformer: bigintNumber, default: 0 }) seatMonthlyPriceCents: number;
  @Column({ type: 'bigint', transformer: bigintNumber, default: 0 }) seatAnnualPriceCents: number;
  @Column({ type: 'char', length: 3 }) currency: string;
  @Column({ type: 'boolean', default: true }) isActive: boolean;
  @Column({ type: 'jsonb', default: () => `'{}'` }) limits: PlanLimits;
  /** Module code → included at no charge (true) — every key a module of the catalog (product_modules.code). */
  @Column({ type: 'jsonb', default: () => `'{}'` }) features: Record<string, boolean>;
  /**
   * Request rate of the plan's tenants (src/modules/plans/rate-limit.ts): sustained requests per
   * minute and the burst allowance above it; both null = the platform default
   * (TENANT_RATE_LIMIT_PER_MINUTE, TENANT_RATE_LIMIT_BURST).
   */
  @Column({ type: 'int', nullable: true }) rateLimitRequestsPerMinute: number | null;
  @Column({ type: 'int', nullable: true }) rateLimitBurst: number | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
