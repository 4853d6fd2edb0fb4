import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
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
/** Back-off of a consumer's first failed attempt, in seconds (as `reschedule` records it). */
const FIRST_RETRY_SECONDS = 5;
/** How long shutdown waits for background (deferred) deliveries before leaving them to the relay, in ms. */
const SHUTDOWN_WAIT_MS = 10_000;

/** What one delivery round of an event did. */
interface DeliveryOutcome {
  /** No consumer is owed the event any more. */
  complete: boolean;
  /** Deferred consumers were skipped (an inline round): a background round must follow. */
  deferredOwed: boolean;
  /** Which consumers are done and which failed, for the round that follows. */
  state: DeliveryState;
}

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
export class OutboxDispatcher implements CommittedEventsDispatcher, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxDispatcher.name);
  /** Background rounds of deferred consumers still running on this instance. */
  private readonly background = new Set<Promise<unknown>>();

  constructor(
    private readonly consumers: EventConsumers,
    private readonly dataSource: DataSource,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly uow: UnitOfWork,
  ) {}

  /**
   * Delivers envelopes in order to every consumer owed them; `states` (from the relay, or from
   * the inline round before a background one) says which consumers are done or backing off.
   * Returns how many events ended fully dispatched.
   * @throws Error when called inside a transaction (consumers must get their own).
   */
  async dispatch(envelopes: DomainEventEnvelope[], states?: ReadonlyMap<string, DeliveryState>): Promise<number> {
    if (this.txHost.isTransactionActive()) throw new Error('OutboxDispatcher.dispatch() must run outside a transaction');
    const done: string[] = [];
    for (const envelope of envelopes) {
      if ((await this.deliver(envelope, states?.get(envelope.eventId), false)).complete) done.push(envelope.eventId);
    }
    await this.markDispatched(done);
    return done.length;
  }

  /**
   * The producer's post-commit round (UnitOfWork): runs the inline consumers now, before the
   * producer answers, and hands the events that deferred consumers are owed to a background
   * round on this instance (`@OnEvent(…, { deferred: true })`). The background round is not
   * awaited; if the process dies first, the outbox row's lease runs out and the relay delivers.
   * @throws Error when called inside a transaction.
   */
  async dispatchCommitted(envelopes: DomainEventEnvelope[]): Promise<void> {
    if (this.txHost.isTransactionActive()) throw new Error('OutboxDispatcher.dispatchCommitted() must run outside a transaction');
    const done: string[] = [];
    const later: DomainEventEnvelope[] = [];
    const states = new Map<string, DeliveryState>();
    for (const envelope of envelopes) {
      const outcome = await this.deliver(envelope, undefined, true);
      if (outcome.complete) done.push(envelope.eventId);
      else if (outcome.deferredOwed) {
        later.push(envelope);
        states.set(envelope.eventId, outcome.state);
      }
    }
    await this.markDispatched(done);
    if (later.length) this.inBackground(() => this.dispatch(later, states));
  }

  /** Resolves once every background round started so far has ended (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.background.size) await Promise.allSettled([...this.background]);
  }

  /** Lets running background rounds finish (bounded) before the database pool closes; the relay owns the rest. */
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.background.size) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.idle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, SHUTDOWN_WAIT_MS)))]);
    clearTimeout(timer);
  }

  private inBackground(round: () => Promise<unknown>): void {
    const running: Promise<unknown> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(round)
      .catch((err: Error) => this.logger.error(`background dispatch failed (the relay retries): ${err.message}`))
      .finally(() => this.background.delete(running));
    this.background.add(running);
  }

  private async markDispatched(eventIds: string[]): Promise<void> {
    if (eventIds.length) await this.dataSource.query(`UPDATE outbox SET dispatched_at = now(), updated_at = now() WHERE id = ANY($1::uuid[])`, [eventIds]);
  }

  /**
   * Runs the consumers owed `envelope` (`inline`: all but the deferred ones) and records the
   * failures. The outbox row keeps the producer's lease while a background round is owed.
   */
  private async deliver(envelope: DomainEventEnvelope, state: DeliveryState | undefined, inline: boolean): Promise<DeliveryOutcome> {
    const failures: { consumer: string; error: string }[] = [];
    const processed = [...(state?.processed ?? [])];
    const failed = [...(state?.failed ?? [])];
    let waitUntil: Date | null = null;
    let deferredOwed = false;
    for (const consumer of this.consumers.owed(envelope)) {
      if (processed.includes(consumer.id)) continue;
      const backingOff = failed.find((f) => f.consumer === consumer.id);
      if (backingOff && !backingOff.due) {
        const next = new Date(backingOff.nextAttemptAt);
        if (!waitUntil || next < waitUntil) waitUntil = next;
        continue;
      }
      if (inline && consumer.deferred) {
        deferredOwed = true;
        continue;
      }
      try {
        await this.runConsumer(consumer, envelope);
        processed.push(consumer.id);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        this.logger.warn(`consumer ${consumer.id} of ${envelope.name} ${envelope.eventId} failed: ${message}`);
        failures.push({ consumer: consumer.id, error: message.slice(0, MAX_ERROR_LENGTH) });
        failed.push({ consumer: consumer.id, due: false, nextAttemptAt: new Date(Date.now() + FIRST_RETRY_SECONDS * 1000).toISOString() });
      }
    }
    const outcome = { complete: !failures.length && !waitUntil && !deferredOwed, deferredOwed, state: { processed, failed } };
    if (outcome.complete || (!failures.length && !waitUntil)) return outcome;
    // A failure to record leaves the row under its current lease: the relay retries it later,
    // and the inbox keeps the consumers that succeeded from running again.
    await this.reschedule(envelope.eventId, failures, waitUntil).catch((err: Error) => this.logger.error(`recording failed deliveries of ${envelope.eventId} failed: ${err.message}`));
    return outcome;
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
