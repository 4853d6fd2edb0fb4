import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { JsonObject } from '../../database/json';

/**
 * A stored `Idempotency-Key` and the first response it produced (draft-ietf-httpapi-idempotency-key-header).
 * Scoped per principal; kept 24 hours. Written in the request's own transaction.
 */
@Entity({ name: 'idempotency_keys' })
@Index('ix_idempotency_keys_expires', ['expiresAt'])
export class IdempotencyKey {
  /** Principal (actor id) that sent the key. */
  @PrimaryColumn({ type: 'text' }) scope: string;
  @PrimaryColumn({ type: 'text' }) key: string;
  @Column({ type: 'text' }) method: string;
  @Column({ type: 'text' }) path: string;
  /** SHA-256 of the canonical request body. */
  @Column({ type: 'text' }) requestHash: string;
  @Column({ type: 'int' }) statusCode: number;
  @Column({ type: 'jsonb', nullable: true }) responseBody: JsonObject | null;
  @Column({ type: 'timestamptz' }) expiresAt: Date;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
