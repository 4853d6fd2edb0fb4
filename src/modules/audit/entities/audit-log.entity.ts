import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { TenantOwned } from '../../../database/tenant-scoped.repository';
import type { JsonObject } from '../../../database/json';

/** Outcome of an audited request. */
export type AuditOutcome = 'success' | 'failure' | 'denied';

/** What wrote a row: an HTTP request (its own row and any it recorded), or a job or event consumer. */
export type AuditChannel = 'http' | 'job';
/** Every {@link AuditChannel}, for validation and the API schema. */
export const AUDIT_CHANNELS = ['http', 'job'] as const satisfies readonly AuditChannel[];

/**
 * One row per mutating request and per login, plus the rows a request or a job records through
 * `AuditService.record` (one per tenant a bulk action changed, a job's correction). Append-only:
 * a trigger rejects UPDATE and DELETE (migration AuditAppendOnly) but the authorised
 * pseudonymisation of personal fields (docs/adr/0029). Kept when a tenant is purged.
 *
 * Tamper-evident (docs/adr/0029): the rows of each tenant, and the platform's rows (no tenant),
 * form a hash chain. A BEFORE INSERT trigger (migration AuditHashChain) sets `seq`, `prevHash`,
 * `personalDigest`, `hash` and `chainVersion` on every insert path; values given by the caller
 * are overwritten.
 */
@TenantOwned()
@Entity({ name: 'audit_logs' })
@Index('ix_audit_logs_occurred', ['occurredAt', 'id'])
@Index('ix_audit_logs_tenant', ['tenantId', 'occurredAt', 'id'])
@Index('ix_audit_logs_actor', ['actorId', 'occurredAt', 'id'])
@Index('ix_audit_logs_action', ['action', 'occurredAt', 'id'])
@Index('ix_audit_logs_module', ['module', 'occurredAt', 'id'])
@Index('ix_audit_logs_resource', ['resourceType', 'resourceId', 'occurredAt'])
@Index('ix_audit_logs_outcome', ['outcome', 'occurredAt', 'id'])
@Index('ix_audit_logs_impersonator', ['impersonatorId', 'occurredAt'])
@Index('ix_audit_logs_channel', ['channel', 'occurredAt', 'id'])
@Index('ux_audit_logs_chain', { synchronize: false }) // UNIQUE (tenant_id, seq) NULLS NOT DISTINCT, migration AuditHashChain
export class AuditLog {
  @PrimaryColumn('uuid') id: string;
  @Column({ type: 'timestamptz' }) occurredAt: Date;
  @Column({ type: 'text', nullable: true }) requestId: string | null;
  /** http (a request wrote it) | job (a job or event consumer did; method `JOB`). */
  @Column({ type: 'text', default: 'http' }) channel: AuditChannel;
  /** platform | tenant | partner | service | system; null for an unauthenticated caller. */
  @Column({ type: 'text', nullable: true }) actorType: string | null;
  @Column({ type: 'uuid', nullable: true }) actorId: string | null;
  @Column({ type: 'text', nullable: true }) actorEmail: string | null;
  /** The credential a machine actor used: a service's OAuth client id (`svc_…`). */
  @Column({ type: 'text', nullable: true }) actorClientId: string | null;
  @Column({ type: 'uuid', nullable: true }) impersonatorId: string | null;
  @Column({ type: 'uuid', nullable: true }) tenantId: string | null;
  @Column({ type: 'text' }) action: string;
  @Column({ type: 'text', nullable: true }) module: string | null;
  @Column({ type: 'text', nullable: true }) resourceType: string | null;
  @Column({ type: 'text', nullable: true }) resourceId: string | null;
  @Column({ type: 'text' }) method: string;
  @Column({ type: 'text' }) path: string;
  @Column({ type: 'int' }) statusCode: number;
  @Column({ type: 'text' }) outcome: AuditOutcome;
  @Column({ type: 'text', nullable: true }) errorCode: string | null;
  @Column({ type: 'text', nullable: true }) ip: string | null;
  @Column({ type: 'text', nullable: true }) userAgent: string | null;
  @Column({ type: 'jsonb', nullable: true }) changes: JsonObject | null;
  @Column({ type: 'jsonb', nullable: true }) metadata: JsonObject | null;
  /** Position in its chain (the tenant's, or the platform's): 1, 2, 3… without gaps. Set by the chain trigger. */
  @Column({ type: 'bigint' }) seq: string;
  /** SHA-256 (32 bytes) of the previous row of the chain; 32 zero bytes for seq 1. */
  @Column({ type: 'bytea' }) prevHash: Buffer;
  /** SHA-256 (32 bytes) of prevHash ‖ the row's canonical form (audit-chain.canonical.ts). */
  @Column({ type: 'bytea' }) hash: Buffer;
  /** SHA-256 (32 bytes) of the personal fields (actor email, IP, user agent, changes, metadata) as inserted; chained in their place. */
  @Column({ type: 'bytea' }) personalDigest: Buffer;
  /** Version of the canonical form the row was chained with (1: audit-chain-v1). */
  @Column({ type: 'smallint' }) chainVersion: number;
  /** When the personal fields were pseudonymised (they no longer match personalDigest); null if never. */
  @Column({ type: 'timestamptz', nullable: true }) pseudonymisedAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
