import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { TenantOwned } from '../../../database/tenant-scoped.repository';

/** Daily copy of a tenant's counters, for charts. One row per tenant and UTC day. */
@TenantOwned()
@Entity({ name: 'tenant_usage_snapshots' })
@Index('ux_tenant_usage_snapshots_day', ['tenantId', 'day'], { unique: true })
export class TenantUsageSnapshot {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  /** UTC calendar day, YYYY-MM-DD. */
  @Column({ type: 'date' }) day: string;
  @Column({ type: 'int' }) memberCount: number;
  @Column({ type: 'int' }) orgAdminCount: number;
  @Column({ type: 'int' }) projectCount: number;
  @Column({ type: 'int' }) domainCount: number;
  @Column({ type: 'int' }) automationRunsThisMonth: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
