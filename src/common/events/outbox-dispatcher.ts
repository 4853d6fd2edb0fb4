import { Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { DataSource } from 'typeorm';
import { DomainEventEnvelope } from './domain-event';
import { EventConsumer, EventConsumers } from './event-consumers';
import { CommittedEventsDispatcher, UnitOfWork } from './unit-of-work';

/** What the relay read, when it claimed an outbox row, of the event's earlier deliveries. */
export interface DeliveryState {
  /** Consumers that already processed the event (inbox rows). */
  processed: string[];
  /** Consumers that failed on it, with whether their back-off has elapsed (delivery rows). */
  failed: { consumer: string; due: boolean; nextAttemptAt: string }[];
}

/** Longest stored error text, in characters. */
const MAX_ERROR_LENGTH = 2000;

/**
 * Hands committed outbox envelopes to their consumers (`@OnEvent()` handlers) and records the
 * outcome. Each consumer not yet done with an event runs in its own unit of work together
 * with its inbox row (`processed_events`), so its database effect commits exactly once; a
 * failure rolls back that consumer alone and is recorded per consumer in `event_deliveries`
 * (attempts, last error, next attempt with exponential back-off: 5 s, 10 s, 20 s … one hour).
 * The outbox row is marked dispatched once every consumer has processed the event; otherwise
 * its lease is set to the earliest next attempt, when the relay retries only the consumers
 * owed. Runs outside any transaction: after the producer's commit, or in the relay job.
 */
@Injectable()
export class OutboxDispatcher implements CommittedEventsDispatcher {
  private readonly logger = new Logger(OutboxDispatcher.name);

  constructor(
    private readonly consumers: EventConsumers,
    private readonly dataSource: DataSource,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly uow: UnitOfWork,
  ) {}

  /**
   * Delivers envelopes in order; `states` (from the relay) says which consumers are done or
   * backing off. Returns how many events ended fully dispatched.
   * @throws Error when called inside a transaction (consumers must get their own).
   */
  async dispatch(envelopes: DomainEventEnvelope[], states?: ReadonlyMap<string, DeliveryState>): Promise<number> {
    if (this.txHost.isTransactionActive()) throw new Error('OutboxDispatcher.dispatch() must run outside a transaction');
    const done: string[] = [];
    for (const envelope of envelopes) {
      if (await this.deliver(envelope, states?.get(envelope.eventId))) done.push(envelope.eventId);
    }
    if (done.length) {
      await this.dataSource.query(`UPDATE outbox SET dispatched_at = now(), updated_at = now() WHERE id = ANY($1::uuid[])`, [done]);
    }
    return done.length;
  }

  /** Runs the consumers owed `envelope`; true when none is left owing it. */
  private async deliver(envelope: DomainEventEnvelope, state: DeliveryState | undefined): Promise<boolean> {
    const failures: { consumer: string; error: string }[] = [];
    let waitUntil: Date | null = null;
    for (const consumer of this.consumers.owed(envelope)) {
      if (state?.processed.includes(consumer.id)) continue;
      const failed = state?.failed.find((f) => f.consumer === consumer.id);
      if (failed && !failed.due) {
        const next = new Date(failed.nextAttemptAt);
        if (!waitUntil || next < waitUntil) waitUntil = next;
        continue;
      }
      try {
        await this.runConsumer(consumer, envelope);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        this.logger.warn(`consumer ${consumer.id} of ${envelope.name} ${envelope.eventId} failed: ${message}`);
        failures.push({ consumer: consumer.id, error: message.slice(0, MAX_ERROR_LENGTH) });
      }
    }
    if (!failures.length && !waitUntil) return true;
    // A failure to record leaves the row under its current lease: the relay retries it later,
    // and the inbox keeps the consumers that succeeded from running again.
    await this.reschedule(envelope.eventId, failures, waitUntil).catch((err: Error) => this.logger.error(`recording failed deliveries of ${envelope.eventId} failed: ${err.message}`));
    return false;
  }

  /**
   * One unit of work: the inbox row first (it also waits for, then skips, a concurrent run of
   * the same consumer), the settled delivery row removed, then the handler on the same transaction.
   */
  private async runConsumer(consumer: EventConsumer, envelope: DomainEventEnvelope): Promise<void> {
    await this.uow.run(async () => {
      const claimed: unknown[] = await this.txHost.tx.query(
        `WITH settled AS (DELETE FROM event_deliveries WHERE event_id = $2 AND consumer = $1)
         INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id`,
        [consumer.id, envelope.eventId],
      );
      if (claimed.length) await consumer.handle(envelope);
    });
  }

  /**
   * Records this round's failures (one delivery row per consumer, attempts + 1, backed-off next
   * attempt) and moves the outbox row's lease to the earliest next attempt of any consumer
   * still owed the event, in one statement.
   */
  private async reschedule(eventId: string, failures: { consumer: string; error: string }[], waitUntil: Date | null): Promise<void> {
    const summary = failures.length ? failures.map((f) => `${f.consumer}: ${f.error}`).join('; ').slice(0, MAX_ERROR_LENGTH) : null;
    await this.dataSource.query(
      `WITH failed AS (
         INSERT INTO event_deliveries AS d (event_id, consumer, attempts, last_error, next_attempt_at)
         SELECT $1, f.consumer, 1, f.error, now() + make_interval(secs => 5)
           FROM unnest($2::text[], $3::text[]) AS f(consumer, error)
         ON CONFLICT (event_id, consumer) DO UPDATE SET
           attempts = d.attempts + 1, last_error = EXCLUDED.last_error, updated_at = now(),
           next_attempt_at = now() + make_interval(secs => least(3600, 5 * power(2, d.attempts)))
         RETURNING d.next_attempt_at)
       UPDATE outbox SET
         attempts = attempts + (CASE WHEN $4::text IS NULL THEN 0 ELSE 1 END),
         last_error = coalesce($4::text, last_error), updated_at = now(),
         locked_until = coalesce(least((SELECT min(next_attempt_at) FROM failed), $5::timestamptz), now())
       WHERE id = $1`,
      [eventId, failures.map((f) => f.consumer), failures.map((f) => f.error), summary, waitUntil?.toISOString() ?? null],
    );
  }
}
