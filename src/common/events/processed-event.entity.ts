import { CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * Inbox of consumed events: one row per (consumer, eventId), inserted by the dispatcher in the
 * consumer's own transaction, so a consumer's database effect happens once per event. Indexed
 * by event for the relay, which reads which consumers of a re-dispatched event are done.
 */
@Entity({ name: 'processed_events' })
@Index('ix_processed_events_event_id', ['eventId'])
export class ProcessedEvent {
  @PrimaryColumn({ type: 'text' }) consumer: string;
  @PrimaryColumn('uuid') eventId: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
