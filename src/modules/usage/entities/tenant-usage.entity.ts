import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { TenantOwned } from '../../../database/tenant-scoped.repository';

/** Live usage counters of one tenant (seed 003). Member and admin counts stay exact through seat reservation. */
@TenantOwned()
@Entity({ name: 'tenant_usage' })
export class TenantUsage {
  @PrimaryColumn('uuid') tenantId: string;
  /** Active tenant users. */
  @Column({ type: 'int', default: 0 }) memberCount: number;
  /** Active tenant users with role admin. */
  @Column({ type: 'int', default: 0 }) orgAdminCount: number;
  @Column({ type: 'int', default: 0 }) projectCount: number;
  @Column({ type: 'int', default: 0 }) domainCount: number;
  @Column({ type: 'int', default: 0 }) automationRunsThisMonth: number;
  @Column({ type: 'timestamptz', nullable: true }) lastCalculatedAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
