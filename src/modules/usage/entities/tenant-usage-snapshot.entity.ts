import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { TenantOwned } from '../../../database/tenant-scoped.repository';

/**
 * Daily copy of a tenant's counters, for charts. One row per tenant and UTC day; `counters` maps
 * each registry metric to its value that day (a monthly metric: its total in that day's month).
 * A metric absent from an old row (added to the registry later) reads as 0.
 */
@TenantOwned()
@Entity({ name: 'tenant_usage_snapshots' })
@Index('ux_tenant_usage_snapshots_day', ['tenantId', 'day'], { unique: true })
export class TenantUsageSnapshot {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  /** UTC calendar day, YYYY-MM-DD. */
  @Column({ type: 'date' }) day: string;
  /** Metric code → value. */
  @Column({ type: 'jsonb', default: () => `'{}'` }) counters: Record<string, number>;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
