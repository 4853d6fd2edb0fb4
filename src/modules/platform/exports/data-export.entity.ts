import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import type { JobRequester } from '../../../common/jobs';
import type { ExportFilters, ExportType } from '../../../common/exports';
import { TenantOwned } from '../../../database/tenant-scoped.repository';

/**
 * One requested export (CSV): what, with which filters, who asked, and — once its job has written
 * it — the file (key on the export store, rows, bytes, SHA-256). Files expire 7 days after they
 * are written and are then purged; the record stays as the log of what was exported.
 * `tenant_id` is the tenant that asked (a tenant admin's export of its own rows); null for staff.
 */
@TenantOwned()
@Entity({ name: 'data_exports' })
@Index('ix_data_exports_created', ['createdAt', 'id'])
@Index('ix_data_exports_tenant_created', ['tenantId', 'createdAt'])
@Index('ix_data_exports_expiry', ['expiresAt'], { where: 'purged_at IS NULL' })
export class DataExport {
  @PrimaryColumn('uuid') id: string;
  @Column({ type: 'uuid' }) jobId: string;
  @Column({ type: 'uuid', nullable: true }) tenantId: string | null;
  @Column({ type: 'text' }) type: ExportType;
  @Column({ type: 'text', default: 'csv' }) format: 'csv';
  @Column({ type: 'jsonb', default: () => `'{}'` }) filters: ExportFilters;
  @Column({ type: 'jsonb' }) requestedBy: JobRequester;
  @Column({ type: 'text', nullable: true }) fileKey: string | null;
  @Column({ type: 'int', nullable: true }) rowCount: number | null;
  @Column({ type: 'bigint', nullable: true }) byteSize: string | null;
  @Column({ type: 'text', nullable: true }) sha256: string | null;
  @Column({ type: 'timestamptz', nullable: true }) completedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) expiresAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) purgedAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
