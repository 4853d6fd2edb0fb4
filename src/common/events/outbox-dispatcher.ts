import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource } from 'typeorm';
import { DomainEventEnvelope } from './domain-event';

/**
 * Hands committed outbox envelopes to the in-process listeners (@nestjs/event-emitter) and
 * records the outcome on the outbox row: `dispatched_at` on success, `attempts`/`last_error`
 * and a backed-off lease on failure. Runs outside any request transaction.
 */
@Injectable()
export class OutboxDispatcher {
  private readonly logger = new Logger(OutboxDispatcher.name);

  constructor(
    private readonly emitter: EventEmitter2,
    private readonly dataSource: DataSource,
  ) {}

  /** Dispatches envelopes in order; returns how many succeeded. */
  async dispatch(envelopes: DomainEventEnvelope[]): Promise<number> {
    const done: string[] = [];
    for (const envelope of envelopes) {
      try {
        await this.emitter.emitAsync(envelope.name, envelope);
        done.push(envelope.eventId);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        this.logger.warn(`listener of ${envelope.name} ${envelope.eventId} failed: ${message}`);
        // Exponential back-off for the relay: 5 s, 10 s, 20 s ... capped at one hour.
        await this.dataSource.query(
          `UPDATE outbox SET attempts = attempts + 1, last_error = $2, updated_at = now(),
             locked_until = now() + make_interval(secs => least(3600, 5 * power(2, attempts)))
           WHERE id = $1`,
          [envelope.eventId, message.slice(0, 2000)],
        );
      }
    }
    if (done.length) {
      await this.dataSource.query(`UPDATE outbox SET dispatched_at = now(), updated_at = now() WHERE id = ANY($1::uuid[])`, [done]);
    }
    return done.length;
  }
}
