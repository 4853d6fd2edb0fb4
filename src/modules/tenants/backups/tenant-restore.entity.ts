import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { JobRequester } from '../../../common/jobs';
import { TenantOwned } from '../../../database/tenant-scoped.repository';

/**
 * A restore of an uploaded tenant backup archive (dry run or real). The upload waits in the export
 * store (`restores/<id>.json`) only until its job ran, and at most one hour.
 */
@TenantOwned()
@Entity({ name: 'tenant_restores' })
@Index('ix_tenant_restores_tenant_created', ['tenantId', 'createdAt', 'id'])
@Index('ix_tenant_restores_purge', ['createdAt'], { where: 'file_removed_at IS NULL' })
export class TenantRestore {
  @PrimaryColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  /** The job that restores it (`tenants.restore`). */
  @Column({ type: 'uuid' }) jobId: string;
  @Column({ type: 'boolean' }) dryRun: boolean;
  @Column({ type: 'jsonb' }) requestedBy: JobRequester;
  /** The archive's manifest as uploaded (schema version, created at, counts). */
  @Column({ type: 'jsonb' }) manifest: Record<string, unknown>;
  @Column({ type: 'text' }) fileKey: string;
  @Column({ type: 'bigint' }) byteSize: string;
  @Column({ type: 'text' }) sha256: string;
  @Column({ type: 'timestamptz', nullable: true }) fileRemovedAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
