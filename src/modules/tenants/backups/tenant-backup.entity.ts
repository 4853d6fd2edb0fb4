import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { JobRequester } from '../../../common/jobs';
import { TenantOwned } from '../../../database/tenant-scoped.repository';

/**
 * A tenant backup: the archive its job wrote to the export store (`backups/<id>.json`), kept until
 * its one download or for one hour, then deleted (the archive lives on the tenant admin's machine,
 * not on the server).
 */
@TenantOwned()
@Entity({ name: 'tenant_backups' })
@Index('ix_tenant_backups_tenant_created', ['tenantId', 'createdAt', 'id'])
@Index('ix_tenant_backups_purge', ['expiresAt'], { where: 'file_removed_at IS NULL' })
export class TenantBackup {
  @PrimaryColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  /** The job that writes it (`tenants.backup`). */
  @Column({ type: 'uuid' }) jobId: string;
  @Column({ type: 'boolean' }) includesCredentials: boolean;
  @Column({ type: 'jsonb' }) requestedBy: JobRequester;
  /** Records per section, once written. */
  @Column({ type: 'jsonb', nullable: true }) counts: Record<string, number> | null;
  @Column({ type: 'text', nullable: true }) fileKey: string | null;
  @Column({ type: 'bigint', nullable: true }) byteSize: string | null;
  /** SHA-256 (hex) of the file, for the admin to check the download. */
  @Column({ type: 'text', nullable: true }) sha256: string | null;
  @Column({ type: 'timestamptz', nullable: true }) completedAt: Date | null;
  /** One hour after it was written: the file is deleted then if nobody downloaded it. */
  @Column({ type: 'timestamptz', nullable: true }) expiresAt: Date | null;
  /** Set when a download starts (it claims the file); cleared if the transfer broke off. */
  @Column({ type: 'timestamptz', nullable: true }) downloadStartedAt: Date | null;
  /** The file was sent in full (then deleted). */
  @Column({ type: 'timestamptz', nullable: true }) downloadedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) fileRemovedAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
