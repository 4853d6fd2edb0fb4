import { CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** Inbox of consumed events: one row per (consumer, eventId) makes listeners idempotent. */
@Entity({ name: 'processed_events' })
export class ProcessedEvent {
  @PrimaryColumn({ type: 'text' }) consumer: string;
  @PrimaryColumn('uuid') eventId: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
