import { getQueueToken } from '@nestjs/bull';
import { Injectable, Module } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import { DomainEvent, DomainEventEnvelope, EnvelopeOf, OnEvent } from '../../../src/common/events';
import { TestApp } from '../../support/app';

/**
 * Test-only event consumed by {@link ProbeConsumers}. `flakyFailures`: how many times
 * `test.probe-flaky` fails on it before succeeding (0 when absent).
 */
export class ProbeEvent extends DomainEvent<{ label: string; flakyFailures?: number }> {
  static override readonly eventName = 'test.probe';
}

/** Calls per `<consumer>:<eventId>`, shared by every app instance of one test file (one process). */
export const probeCalls = new Map<string, number>();

/** How many times `consumer` ran on `eventId` (including failed runs). */
export const callsOf = (consumer: string, eventId: string): number => probeCalls.get(`${consumer}:${eventId}`) ?? 0;

/** Consumer id of the database effect each probe consumer writes in its own transaction. */
export const effectMarker = (consumer: string): string => `test.effect-of.${consumer}`;

/**
 * Two consumers of {@link ProbeEvent}. Each records a database effect (an inbox-shaped marker
 * row, written through TransactionHost.tx like any consumer's writes); the flaky one then fails
 * as often as the event asks, which must roll its effect back.
 */
@Injectable()
export class ProbeConsumers {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  @OnEvent(ProbeEvent, 'test.probe-steady')
  async steady(event: EnvelopeOf<typeof ProbeEvent>): Promise<void> {
    await this.record('test.probe-steady', event);
  }

  @OnEvent(ProbeEvent, 'test.probe-flaky')
  async flaky(event: EnvelopeOf<typeof ProbeEvent>): Promise<void> {
    const calls = await this.record('test.probe-flaky', event);
    if (calls <= (event.payload.flakyFailures ?? 0)) throw new Error(`downstream unavailable (call ${calls})`);
  }

  private async record(consumer: string, event: DomainEventEnvelope): Promise<number> {
    const key = `${consumer}:${event.eventId}`;
    const calls = (probeCalls.get(key) ?? 0) + 1;
    probeCalls.set(key, calls);
    await this.txHost.tx.query(`INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2)`, [effectMarker(consumer), event.eventId]);
    return calls;
  }
}

/** Test-only event with one inline and one deferred consumer ({@link DeferredProbeConsumers}). */
export class DeferredProbeEvent extends DomainEvent<{ label: string }> {
  static override readonly eventName = 'test.probe-deferred';
}

/** Holds the deferred probe consumer until the test releases it (a slow fan-out). */
export const deferredLatch = {
  release: (): void => undefined,
  gate: Promise.resolve(),
  /** Makes the next deferred runs wait until `release()`. */
  close(): void {
    this.gate = new Promise<void>((resolve) => (this.release = resolve));
  },
};

/** An inline consumer and a deferred one of {@link DeferredProbeEvent}; the deferred one waits on {@link deferredLatch}. */
@Injectable()
export class DeferredProbeConsumers {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  @OnEvent(DeferredProbeEvent, 'test.probe-inline')
  async inline(event: EnvelopeOf<typeof DeferredProbeEvent>): Promise<void> {
    probeCalls.set(`test.probe-inline:${event.eventId}`, callsOf('test.probe-inline', event.eventId) + 1);
  }

  @OnEvent(DeferredProbeEvent, 'test.probe-background', { deferred: true })
  async background(event: EnvelopeOf<typeof DeferredProbeEvent>): Promise<void> {
    await deferredLatch.gate;
    probeCalls.set(`test.probe-background:${event.eventId}`, callsOf('test.probe-background', event.eventId) + 1);
    await this.txHost.tx.query(`INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2)`, [effectMarker('test.probe-background'), event.eventId]);
  }
}

/** Registers {@link ProbeConsumers} and {@link DeferredProbeConsumers}. */
@Module({ providers: [ProbeConsumers, DeferredProbeConsumers] })
export class ProbeModule {}

/**
 * Stops this instance's Bull worker from taking the scheduled relay job (a local pause), so the
 * test alone decides when the relay runs and can assert right after it.
 */
export async function pauseScheduledRelay(t: TestApp): Promise<void> {
  await t.app.get<Queue>(getQueueToken('outbox')).pause(true);
}

/** An envelope of a test event as EventBus would store it. */
export function envelopeOf(name: string, payload: Record<string, unknown> = {}): DomainEventEnvelope {
  return { eventId: randomUUID(), name, occurredAt: new Date().toISOString(), tenantId: null, actor: { type: 'system', id: null, impersonatorId: null }, payload };
}

/** Inserts a committed, never-dispatched outbox row whose lease has expired (a crash between commit and dispatch). */
export async function insertUndispatched(t: TestApp, envelope: DomainEventEnvelope): Promise<DomainEventEnvelope> {
  await t.db.query(
    `INSERT INTO outbox (id, event_name, tenant_id, envelope, occurred_at, locked_until) VALUES ($1, $2, NULL, $3, $4, now() - interval '1 minute')`,
    [envelope.eventId, envelope.name, JSON.stringify(envelope), envelope.occurredAt],
  );
  return envelope;
}

/** Lets the relay take the event's row and its consumers' pending attempts now (back-off elapsed). */
export async function makeDue(t: TestApp, eventId: string): Promise<void> {
  await t.db.query(`UPDATE event_deliveries SET next_attempt_at = now() - interval '1 second' WHERE event_id = $1`, [eventId]);
  await t.db.query(`UPDATE outbox SET locked_until = now() - interval '1 second' WHERE id = $1`, [eventId]);
}

/** Consumers with an inbox row for the event, sorted (markers of the probes' effects included). */
export async function processedBy(t: TestApp, eventId: string): Promise<string[]> {
  const rows: { consumer: string }[] = await t.db.query(`SELECT consumer FROM processed_events WHERE event_id = $1 ORDER BY consumer`, [eventId]);
  return rows.map((r) => r.consumer);
}

/** The outbox row's dispatch state. */
export async function outboxRow(t: TestApp, id: string): Promise<{ dispatched_at: Date | null; attempts: number; last_error: string | null; locked_until: Date }> {
  return (await t.db.query(`SELECT dispatched_at, attempts, last_error, locked_until FROM outbox WHERE id = $1`, [id]))[0];
}

/** Delivery rows (consumers still owed the event after a failure). */
export async function deliveriesOf(t: TestApp, eventId: string): Promise<{ consumer: string; attempts: number; last_error: string; next_attempt_at: Date }[]> {
  return t.db.query(`SELECT consumer, attempts, last_error, next_attempt_at FROM event_deliveries WHERE event_id = $1 ORDER BY consumer`, [eventId]);
}
