import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { TenantOwned } from '../../../database/tenant-scoped.repository';

/** `none`: messages are delivered as they come (concurrently); `per_tenant`: one at a time, in event order. */
export type WebhookOrdering = 'none' | 'per_tenant';
export const WEBHOOK_ORDERINGS: readonly WebhookOrdering[] = ['none', 'per_tenant'];

/** Why an endpoint stopped receiving: a tenant admin or staff member, the receiver's 410 Gone, or days of failures. */
export type WebhookDisabledReason = 'manual' | 'gone' | 'failing';

/** A custom request header; `secret` values are stored encrypted (AES-256-GCM) and shown masked. */
export interface StoredWebhookHeader {
  name: string;
  secret: boolean;
  /** Plain value (secret=false) or sealed value (secret=true, `v1.<iv>.<tag>.<data>` base64url). */
  value: string;
}

/**
 * Where and how the control plane delivers events: a tenant's outbound webhook endpoint
 * (`tenantId` set, its own tenant's events) or a platform webhook of the super admins
 * (`tenantId` null, events across tenants). Deliveries are signed per Standard Webhooks with
 * `secret` (a sealed `whsec_` secret); after a rotation the previous one signs too until
 * `previousSecretExpiresAt`.
 */
@TenantOwned()
@Entity({ name: 'webhook_endpoints' })
@Index('ix_webhook_endpoints_tenant_created', ['tenantId', 'createdAt', 'id'])
export class WebhookEndpoint {
  @PrimaryGeneratedColumn('uuid') id: string;
  /** Null: a platform webhook (super admins). */
  @Column({ type: 'uuid', nullable: true }) tenantId: string | null;
  @Column({ type: 'uuid', nullable: true }) partnerId: string | null;
  @Column({ type: 'text' }) url: string;
  @Column({ type: 'text', nullable: true }) description: string | null;
  /** Catalog event types or wildcards (`user.*`, `*`). */
  @Column({ type: 'text', array: true }) eventTypes: string[];
  @Column({ type: 'boolean', default: true }) enabled: boolean;
  @Column({ type: 'text', nullable: true }) disabledReason: WebhookDisabledReason | null;
  @Column({ type: 'timestamptz', nullable: true }) disabledAt: Date | null;
  @Column({ type: 'jsonb', default: () => `'[]'` }) headers: StoredWebhookHeader[];
  /** JSONata expression over the event envelope; null: the envelope as is. */
  @Column({ type: 'text', nullable: true }) payloadTemplate: string | null;
  /** Most deliveries per second to this endpoint; null: no limit. */
  @Column({ type: 'int', nullable: true }) rateLimitPerSecond: number | null;
  @Column({ type: 'text', default: 'none' }) ordering: WebhookOrdering;
  /** Sealed `whsec_…` signing secret. */
  @Column({ type: 'text' }) secret: string;
  @Column({ type: 'text', nullable: true }) previousSecret: string | null;
  @Column({ type: 'timestamptz', nullable: true }) previousSecretExpiresAt: Date | null;
  /** Failed attempts since the last success (the circuit breaker's count). */
  @Column({ type: 'int', default: 0 }) consecutiveFailures: number;
  /** First failure since the last success: after 5 days of failing the endpoint is disabled. */
  @Column({ type: 'timestamptz', nullable: true }) failingSince: Date | null;
  /** While in the future, the breaker is open: no attempt is made, messages wait. */
  @Column({ type: 'timestamptz', nullable: true }) breakerOpenUntil: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) lastSuccessAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) lastFailureAt: Date | null;
  @Column({ type: 'text', nullable: true }) lastError: string | null;
  @Column({ type: 'uuid', nullable: true }) createdBy: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
