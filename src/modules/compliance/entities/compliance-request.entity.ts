import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { JobRequester } from '../../../common/jobs';
import type { PersonalDataPrincipal } from '../../../common/tenancy';
import type { JsonObject } from '../../../database/json';
import { TenantOwned } from '../../../database/tenant-scoped.repository';

/** What a compliance request asks: a GDPR export (Art. 15/20) or an erasure (Art. 17). */
export const COMPLIANCE_KINDS = ['export', 'delete'] as const;
export type ComplianceKind = (typeof COMPLIANCE_KINDS)[number];

/** Whose data: a whole tenant, or one person of it by email. */
export const COMPLIANCE_SUBJECT_KINDS = ['tenant', 'person'] as const;
export type ComplianceSubjectKind = (typeof COMPLIANCE_SUBJECT_KINDS)[number];

/**
 * pending_approval → approved → running → completed | failed; pending_approval → rejected |
 * expired. An export needs no approval: it starts approved.
 */
export const COMPLIANCE_STATUSES = ['pending_approval', 'approved', 'running', 'completed', 'rejected', 'expired', 'failed'] as const;
export type ComplianceStatus = (typeof COMPLIANCE_STATUSES)[number];

/**
 * One GDPR request about a tenant or a person of it: who asked and why, who approved or rejected
 * it (an erasure needs a second owner or admin within 48 hours), the job that does the work, and
 * its result (rows per table; for an export the archive on the export store). Once an erasure has
 * completed, the subject's email is cleared; `subjectPseudonym` (the keyed pseudonym the erased
 * rows now carry) remains, so the record proves what was erased without naming the person.
 */
@TenantOwned()
@Entity({ name: 'compliance_requests' })
@Index('ix_compliance_requests_created', ['createdAt', 'id'])
@Index('ix_compliance_requests_tenant', ['tenantId', 'createdAt'])
@Index('ix_compliance_requests_status', ['status', 'createdAt'])
@Index('ix_compliance_requests_kind', ['kind', 'createdAt'])
@Index('ix_compliance_requests_pending_expiry', ['expiresAt'], { where: `status = 'pending_approval'` })
@Index('ix_compliance_requests_archive_expiry', ['archiveExpiresAt'], { where: 'archive_purged_at IS NULL AND archive_key IS NOT NULL' })
export class ComplianceRequest {
  @PrimaryColumn('uuid') id: string;
  @Column({ type: 'text' }) kind: ComplianceKind;
  @Column({ type: 'text' }) subjectKind: ComplianceSubjectKind;
  @Column({ type: 'uuid' }) tenantId: string;
  /** Lowercase; null for a tenant, and cleared once an erasure of the person has completed. */
  @Column({ type: 'text', nullable: true }) subjectEmail: string | null;
  /** The person's pseudonym (`erased-…@invalid`); null for a tenant. */
  @Column({ type: 'text', nullable: true }) subjectPseudonym: string | null;
  /** The people found under the subject when the work started (kept for a retried run); cleared when it ends. */
  @Column({ type: 'jsonb', nullable: true }) subjectPrincipals: PersonalDataPrincipal[] | null;
  @Column({ type: 'text' }) reason: string;
  @Column({ type: 'text' }) status: ComplianceStatus;
  @Column({ type: 'jsonb' }) requestedBy: JobRequester;
  @Column({ type: 'uuid' }) requestedById: string;
  @Column({ type: 'timestamptz' }) requestedAt: Date;
  /** Approval deadline of an erasure (requestedAt + 48 h); null for an export. */
  @Column({ type: 'timestamptz', nullable: true }) expiresAt: Date | null;
  @Column({ type: 'uuid', nullable: true }) approvedById: string | null;
  @Column({ type: 'text', nullable: true }) approvedByEmail: string | null;
  @Column({ type: 'timestamptz', nullable: true }) approvedAt: Date | null;
  @Column({ type: 'text', nullable: true }) approvalNote: string | null;
  @Column({ type: 'uuid', nullable: true }) rejectedById: string | null;
  @Column({ type: 'text', nullable: true }) rejectedByEmail: string | null;
  @Column({ type: 'timestamptz', nullable: true }) rejectedAt: Date | null;
  @Column({ type: 'text', nullable: true }) rejectionNote: string | null;
  @Column({ type: 'uuid', nullable: true }) jobId: string | null;
  /** Rows per table (`{ "iam.tenant_users": 3 }` for an export, `{ tenant_users: 1 }` changed by an erasure). */
  @Column({ type: 'jsonb', nullable: true }) result: JsonObject | null;
  @Column({ type: 'jsonb', nullable: true }) error: JsonObject | null;
  @Column({ type: 'text', nullable: true }) archiveKey: string | null;
  @Column({ type: 'bigint', nullable: true }) archiveBytes: string | null;
  @Column({ type: 'text', nullable: true }) archiveSha256: string | null;
  @Column({ type: 'timestamptz', nullable: true }) archiveExpiresAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) archivePurgedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) completedAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
