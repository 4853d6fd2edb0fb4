import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { UnitOfWork } from './unit-of-work';

/**
 * Makes a listener idempotent on `eventId`: `once()` records (consumer, eventId) and runs the
 * reaction in the same transaction, so a re-dispatched event has no second effect.
 */
@Injectable()
export class EventInbox {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
  ) {}

  /** Runs `reaction` unless `consumer` already processed `eventId`; returns whether it ran. */
  async once(consumer: string, eventId: string, reaction: () => Promise<void>): Promise<boolean> {
    return this.uow.run(async () => {
      const inserted: unknown[] = await this.txHost.tx.query(
        `INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id`,
        [consumer, eventId],
      );
      if (!inserted.length) return false;
      await reaction();
      return true;
    });
  }
}
