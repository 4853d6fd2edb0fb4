import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainEventEnvelope } from './domain-event';
import { OutboxDispatcher } from './outbox-dispatcher';

/**
 * Re-dispatches outbox rows that were committed but never marked dispatched (a crash between
 * commit and dispatch, or a failing listener). Rows are claimed with `FOR UPDATE SKIP LOCKED`
 * and a lease, so several instances never dispatch the same row at once (CONVENTIONS §9).
 */
@Injectable()
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly dispatcher: OutboxDispatcher,
  ) {}

  /** Claims and dispatches due rows in batches until none is left; returns how many were dispatched. */
  async drain(batchSize = 100, leaseSeconds = 60): Promise<number> {
    let total = 0;
    for (;;) {
      const rows: { envelope: DomainEventEnvelope }[] = await this.dataSource.query(
        `UPDATE outbox SET locked_until = now() + make_interval(secs => $2), updated_at = now()
         WHERE id IN (
           SELECT id FROM outbox
           WHERE dispatched_at IS NULL AND locked_until <= now()
           ORDER BY occurred_at
           LIMIT $1
           FOR UPDATE SKIP LOCKED)
         RETURNING envelope`,
        [batchSize, leaseSeconds],
      ).then((r: [unknown[], number] | unknown[]) => (Array.isArray(r[0]) ? (r[0] as { envelope: DomainEventEnvelope }[]) : (r as { envelope: DomainEventEnvelope }[])));
      if (!rows.length) break;
      rows.sort((a, b) => a.envelope.occurredAt.localeCompare(b.envelope.occurredAt));
      total += await this.dispatcher.dispatch(rows.map((r) => r.envelope));
      if (rows.length < batchSize) break;
    }
    if (total) this.logger.log(`relayed ${total} outbox event(s)`);
    return total;
  }
}
