import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { TenantOwned } from '../../../database/tenant-scoped.repository';
import { WebhookEndpoint } from './webhook-endpoint.entity';

/**
 * A message's lifecycle: `pending` (waiting for its first attempt or its turn), `delivering` (an
 * attempt holds the lease), `succeeded`, `retrying` (waiting for `nextAttemptAt`), `failed`
 * (retries exhausted, endpoint gone or disabled; replay brings it back).
 */
export type WebhookMessageStatus = 'pending' | 'delivering' | 'succeeded' | 'retrying' | 'failed';
export const WEBHOOK_MESSAGE_STATUSES: readonly WebhookMessageStatus[] = ['pending', 'delivering', 'succeeded', 'retrying', 'failed'];

/**
 * One event for one endpoint. Its id is the `webhook-id` of every attempt, so receivers can
 * deduplicate; the body is rendered once (the endpoint's payload definition at the time) and sent
 * unchanged on every retry.
 */
@TenantOwned()
@Entity({ name: 'webhook_messages' })
@Index('ux_webhook_messages_event_endpoint', ['endpointId', 'eventId'], { unique: true })
@Index('ix_webhook_messages_endpoint_seq', ['endpointId', 'seq'])
@Index('ix_webhook_messages_due', ['status', 'nextAttemptAt'])
@Index('ix_webhook_messages_in_flight', ['endpointId', 'lockedUntil'], { where: `status = 'delivering'` })
export class WebhookMessage {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  /** Event order across the platform (per_tenant ordering delivers in this order). */
  @Column({ type: 'bigint', generated: 'increment' }) seq: string;
  @Column({ type: 'uuid' }) endpointId: string;
  /** Deleting an endpoint deletes its messages and their attempts. */
  @ManyToOne(() => WebhookEndpoint, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'endpoint_id' }) endpoint?: WebhookEndpoint;
  /** The endpoint's tenant (null for a platform webhook). */
  @Column({ type: 'uuid', nullable: true }) tenantId: string | null;
  /** The event's tenant (also for a platform webhook). */
  @Column({ type: 'uuid', nullable: true }) eventTenantId: string | null;
  @Column({ type: 'uuid' }) eventId: string;
  @Column({ type: 'text' }) eventType: string;
  /** A test message sent by `.../test` (not from the outbox). */
  @Column({ type: 'boolean', default: false }) test: boolean;
  /** The JSON body sent, as text (byte-exact across retries: the signature covers it). */
  @Column({ type: 'text' }) body: string;
  @Column({ type: 'text', default: 'pending' }) status: WebhookMessageStatus;
  @Column({ type: 'int', default: 0 }) attempts: number;
  @Column({ type: 'timestamptz', default: () => 'now()' }) nextAttemptAt: Date;
  /** While `delivering`: the attempt's lease; a stale lease (crashed worker) is reclaimed. */
  @Column({ type: 'timestamptz', nullable: true }) lockedUntil: Date | null;
  @Column({ type: 'int', nullable: true }) lastStatusCode: number | null;
  @Column({ type: 'text', nullable: true }) lastError: string | null;
  @Column({ type: 'timestamptz', nullable: true }) succeededAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}

/** One HTTP attempt of a message: what was sent (no secrets) and what came back (first 4 KB). */
@TenantOwned()
@Entity({ name: 'webhook_attempts' })
@Index('ix_webhook_attempts_message', ['messageId', 'attemptNumber'])
@Index('ix_webhook_attempts_endpoint_time', ['endpointId', 'createdAt'])
export class WebhookAttempt {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) messageId: string;
  @ManyToOne(() => WebhookMessage, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'message_id' }) message?: WebhookMessage;
  @Column({ type: 'uuid' }) endpointId: string;
  @Column({ type: 'uuid', nullable: true }) tenantId: string | null;
  @Column({ type: 'int' }) attemptNumber: number;
  @Column({ type: 'text' }) url: string;
  /** Request headers, secret values masked. */
  @Column({ type: 'jsonb' }) requestHeaders: Record<string, string>;
  @Column({ type: 'text' }) requestBody: string;
  @Column({ type: 'int', nullable: true }) responseStatus: number | null;
  @Column({ type: 'jsonb', nullable: true }) responseHeaders: Record<string, string> | null;
  /** First 4 KB of the response body. */
  @Column({ type: 'text', nullable: true }) responseBody: string | null;
  @Column({ type: 'int' }) durationMs: number;
  @Column({ type: 'text', nullable: true }) error: string | null;
  @Column({ type: 'boolean' }) success: boolean;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
