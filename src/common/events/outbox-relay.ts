import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainEventEnvelope } from './domain-event';
import { DeliveryState, OutboxDispatcher } from './outbox-dispatcher';

interface ClaimedRow extends DeliveryState {
  envelope: DomainEventEnvelope;
}

/**
 * Re-dispatches outbox rows that were committed but never marked dispatched (a crash between
 * commit and dispatch, or a failing consumer). Rows are claimed with `FOR UPDATE SKIP LOCKED`
 * and a lease, so several instances never dispatch the same row at once (CONVENTIONS §9); a
 * consumer that already processed the event is not run again.
 */
@Injectable()
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly dispatcher: OutboxDispatcher,
  ) {}

  /**
   * Claims and dispatches due rows in batches until none is left; returns how many ended
   * dispatched. With each row it reads which consumers already processed the event and which
   * are backing off, so only the consumers still owed a due attempt run again.
   */
  async drain(batchSize = 100, leaseSeconds = 60): Promise<number> {
    let total = 0;
    for (;;) {
      const result: [ClaimedRow[], number] = await this.dataSource.query(
        `UPDATE outbox o SET locked_until = now() + make_interval(secs => $2), updated_at = now()
         WHERE o.id IN (
           SELECT id FROM outbox
           WHERE dispatched_at IS NULL AND locked_until <= now()
           ORDER BY occurred_at
           LIMIT $1
           FOR UPDATE SKIP LOCKED)
         RETURNING o.envelope,
           ARRAY(SELECT p.consumer FROM processed_events p WHERE p.event_id = o.id) AS processed,
           coalesce((SELECT json_agg(json_build_object('consumer', d.consumer, 'due', d.next_attempt_at <= now(), 'nextAttemptAt', d.next_attempt_at))
                       FROM event_deliveries d WHERE d.event_id = o.id), '[]'::json) AS failed`,
        [batchSize, leaseSeconds],
      );
      const rows = result[0];
      if (!rows.length) break;
      rows.sort((a, b) => a.envelope.occurredAt.localeCompare(b.envelope.occurredAt));
      const states = new Map<string, DeliveryState>(rows.map((r) => [r.envelope.eventId, { processed: r.processed, failed: r.failed }]));
      total += await this.dispatcher.dispatch(rows.map((r) => r.envelope), states);
      if (rows.length < batchSize) break;
    }
    if (total) this.logger.log(`relayed ${total} outbox event(s)`);
    return total;
  }

  /**
   * Deletes dispatched outbox rows older than `outboxDays` (their leftover delivery rows go with
   * them, ON DELETE CASCADE) and inbox (processed_events) rows older than `inboxDays`, in
   * batches. An inbox row must outlive any possible re-dispatch of its event, hence the longer
   * default. Returns the rows deleted from each table.
   */
  async prune(outboxDays = 7, inboxDays = 30, batchSize = 5000): Promise<{ outbox: number; inbox: number }> {
    const sweep = async (sql: string, days: number): Promise<number> => {
      let total = 0;
      for (;;) {
        const result: [unknown[], number] = await this.dataSource.query(sql, [days, batchSize]);
        const deleted = Array.isArray(result) ? Number(result[1] ?? 0) : 0;
        total += deleted;
        if (deleted < batchSize) return total;
      }
    };
    const outbox = await sweep(
      `DELETE FROM outbox WHERE id IN (
         SELECT id FROM outbox WHERE dispatched_at < now() - make_interval(days => $1) LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      outboxDays,
    );
    const inbox = await sweep(
      `DELETE FROM processed_events WHERE (consumer, event_id) IN (
         SELECT consumer, event_id FROM processed_events WHERE created_at < now() - make_interval(days => $1) LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      inboxDays,
    );
    if (outbox || inbox) this.logger.log(`pruned ${outbox} dispatched outbox row(s) and ${inbox} inbox row(s)`);
    return { outbox, inbox };
  }
}
