import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { TenantOwned } from '../../../database/tenant-scoped.repository';
import type { HealthSignal, RiskLevel } from './health-model';

/** A tenant's health on one UTC day (the daily snapshot job), for history and movers. */
@TenantOwned()
@Entity({ name: 'tenant_health_snapshots' })
@Index('ux_tenant_health_snapshots_day', ['tenantId', 'day'], { unique: true })
@Index('ix_tenant_health_snapshots_day_score', ['day', 'score'])
export class TenantHealthSnapshot {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  /** UTC day, YYYY-MM-DD. */
  @Column({ type: 'date' }) day: string;
  @Column({ type: 'int' }) score: number;
  @Column({ type: 'text' }) risk: RiskLevel;
  @Column({ type: 'jsonb' }) signals: HealthSignal[];
  @Column({ type: 'text', nullable: true }) topReason: string | null;
  @Column({ type: 'text' }) modelVersion: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
