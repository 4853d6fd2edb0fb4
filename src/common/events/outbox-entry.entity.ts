import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { JsonObject } from '../../database/json';

/**
 * Transactional outbox row (CONVENTIONS §3). Written in the producer's transaction; dispatched
 * after commit, or by the relay when `dispatched_at` is still null after `locked_until`.
 * `dispatched_at` is set once every consumer has processed the event (at insert when it has
 * none); `attempts`/`last_error` count the dispatch rounds in which some consumer failed, whose
 * own record is in `event_deliveries`.
 */
@Entity({ name: 'outbox' })
@Index('ix_outbox_undispatched', ['lockedUntil'], { where: 'dispatched_at IS NULL' })
// The real-time stream's resume (Last-Event-ID): a tenant's events in order.
@Index('ix_outbox_tenant_time', ['tenantId', 'occurredAt', 'id'])
export class OutboxEntry {
  @PrimaryColumn('uuid') id: string;
  @Column({ type: 'text' }) eventName: string;
  @Column({ type: 'uuid', nullable: true }) tenantId: string | null;
  @Column({ type: 'jsonb' }) envelope: JsonObject;
  @Column({ type: 'timestamptz' }) occurredAt: Date;
  /** Lease: nobody else dispatches the row before this instant. */
  @Column({ type: 'timestamptz' }) lockedUntil: Date;
  @Column({ type: 'timestamptz', nullable: true }) dispatchedAt: Date | null;
  @Column({ type: 'int', default: 0 }) attempts: number;
  @Column({ type: 'text', nullable: true }) lastError: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
