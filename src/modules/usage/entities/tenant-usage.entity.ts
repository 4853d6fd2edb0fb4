import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { TenantOwned } from '../../../database/tenant-scoped.repository';

/**
 * A tenant's usage account: exists from provisioning to purge, so it says which tenants are
 * metered (a 404 otherwise) and when their counters were last recounted. The counters themselves
 * are {@link UsageCounter} rows. The recount locks this row, so two recounts of one tenant never
 * interleave.
 */
@TenantOwned()
@Entity({ name: 'tenant_usage' })
export class TenantUsage {
  @PrimaryColumn('uuid') tenantId: string;
  @Column({ type: 'timestamptz', nullable: true }) lastCalculatedAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
