import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { OutboxEntry } from './outbox-entry.entity';

/**
 * A consumer still owed an event after a failed attempt (one row per event and consumer).
 * Written by the dispatcher when the consumer's unit of work fails; deleted in the consumer's
 * transaction once it succeeds; removed with its outbox row by the daily prune. The relay
 * retries the consumer alone once `next_attempt_at` has passed.
 */
@Entity({ name: 'event_deliveries' })
export class EventDelivery {
  @PrimaryColumn('uuid') eventId: string;
  @PrimaryColumn({ type: 'text' }) consumer: string;
  /** Failed attempts so far. */
  @Column({ type: 'int', default: 0 }) attempts: number;
  @Column({ type: 'text', nullable: true }) lastError: string | null;
  /** Exponential back-off: 5 s after the first failure, doubling, capped at one hour. */
  @Column({ type: 'timestamptz' }) nextAttemptAt: Date;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;

  @ManyToOne(() => OutboxEntry, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'event_id' })
  event?: OutboxEntry;
}
