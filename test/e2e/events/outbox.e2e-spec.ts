import { EventEmitter2 } from '@nestjs/event-emitter';
import { randomUUID } from 'node:crypto';
import { DomainEventEnvelope, EventInbox, OutboxRelay } from '../../../src/common/events';
import { createStaff, createTestApp, loginStaff, TestApp } from '../../support/app';

interface OutboxRow {
  dispatched_at: Date | null;
  attempts: number;
  last_error: string | null;
  locked_until: Date;
}

describe('transactional outbox and relay', () => {
  let t: TestApp;
  let relay: OutboxRelay;
  let inbox: EventInbox;
  let emitter: EventEmitter2;

  beforeAll(async () => {
    t = await createTestApp();
    relay = t.app.get(OutboxRelay);
    inbox = t.app.get(EventInbox);
    emitter = t.app.get(EventEmitter2);
  });
  afterAll(() => t.close());

  /** A test-only event name, so no production listener reacts and other files' rows are not ours. */
  const eventName = () => `test.outbox.${randomUUID()}`;

  /** Inserts a committed, never-dispatched outbox row whose lease has expired (a crash between commit and dispatch). */
  const insertUndispatched = async (name: string, payload: Record<string, unknown> = {}): Promise<DomainEventEnvelope> => {
    const envelope: DomainEventEnvelope = {
      eventId: randomUUID(),
      name,
      occurredAt: new Date().toISOString(),
      tenantId: null,
      actor: { type: 'system', id: null, impersonatorId: null },
      payload,
    };
    await t.db.query(
      `INSERT INTO outbox (id, event_name, tenant_id, envelope, occurred_at, locked_until) VALUES ($1, $2, NULL, $3, $4, now() - interval '1 minute')`,
      [envelope.eventId, name, JSON.stringify(envelope), envelope.occurredAt],
    );
    return envelope;
  };
  const outboxRow = async (id: string): Promise<OutboxRow> =>
    (await t.db.query(`SELECT dispatched_at, attempts, last_error, locked_until FROM outbox WHERE id = $1`, [id]))[0];
  const processed = async (consumer: string, eventId: string): Promise<number> =>
    (await t.db.query(`SELECT count(*)::int AS n FROM processed_events WHERE consumer = $1 AND event_id = $2`, [consumer, eventId]))[0].n;

  /** Registers an idempotent listener (EventInbox.once) and counts deliveries and effects. */
  const idempotentListener = (name: string, consumer: string) => {
    const counts = { deliveries: 0, effects: 0, envelopes: [] as DomainEventEnvelope[] };
    const handler = async (envelope: DomainEventEnvelope) => {
      counts.deliveries += 1;
      counts.envelopes.push(envelope);
      await inbox.once(consumer, envelope.eventId, async () => {
        counts.effects += 1;
      });
    };
    emitter.on(name, handler, { promisify: true });
    return { counts, off: () => emitter.off(name, handler) };
  };

  it('the relay delivers an undispatched event exactly once to an idempotent listener, even when drains race', async () => {
    const name = eventName();
    const consumer = `test-consumer-${randomUUID()}`;
    const listener = idempotentListener(name, consumer);
    try {
      const envelope = await insertUndispatched(name, { answer: 42 });
      await Promise.all([relay.drain(), relay.drain()]);
      await relay.drain();

      expect(listener.counts.effects).toBe(1);
      // SKIP LOCKED + lease: the racing drains did not both take the row.
      expect(listener.counts.deliveries).toBe(1);
      expect(listener.counts.envelopes[0]).toEqual(envelope);
      expect(await processed(consumer, envelope.eventId)).toBe(1);
      const row = await outboxRow(envelope.eventId);
      expect(row.dispatched_at).toBeInstanceOf(Date);
      expect(row.attempts).toBe(0);
    } finally {
      listener.off();
    }
  });

  it('a re-dispatch of the same event (at-least-once) has no second effect', async () => {
    const name = eventName();
    const consumer = `test-consumer-${randomUUID()}`;
    const listener = idempotentListener(name, consumer);
    try {
      const envelope = await insertUndispatched(name);
      await relay.drain();
      expect(listener.counts).toMatchObject({ deliveries: 1, effects: 1 });
      // Simulate a crash after the listener ran but before the row was marked dispatched.
      await t.db.query(`UPDATE outbox SET dispatched_at = NULL, locked_until = now() - interval '1 second' WHERE id = $1`, [envelope.eventId]);
      await relay.drain();
      expect(listener.counts).toMatchObject({ deliveries: 2, effects: 1 });
      expect(await processed(consumer, envelope.eventId)).toBe(1);
      expect((await outboxRow(envelope.eventId)).dispatched_at).toBeInstanceOf(Date);
    } finally {
      listener.off();
    }
  });

  it('a row whose lease has not expired is left alone (its producer still owns it)', async () => {
    const name = eventName();
    const listener = idempotentListener(name, `test-consumer-${randomUUID()}`);
    try {
      const envelope = await insertUndispatched(name);
      await t.db.query(`UPDATE outbox SET locked_until = now() + interval '10 minutes' WHERE id = $1`, [envelope.eventId]);
      await relay.drain();
      expect(listener.counts.deliveries).toBe(0);
      expect((await outboxRow(envelope.eventId)).dispatched_at).toBeNull();
    } finally {
      listener.off();
      await t.db.query(`UPDATE outbox SET dispatched_at = now() WHERE event_name = $1`, [name]);
    }
  });

  it('a failing listener leaves the row undispatched with the error and a backed-off lease; a later drain delivers it', async () => {
    const name = eventName();
    const consumer = `test-consumer-${randomUUID()}`;
    let fail = true;
    let effects = 0;
    const handler = async (envelope: DomainEventEnvelope) => {
      await inbox.once(consumer, envelope.eventId, async () => {
        if (fail) throw new Error('downstream unavailable');
        effects += 1;
      });
    };
    emitter.on(name, handler, { promisify: true });
    try {
      const envelope = await insertUndispatched(name);
      await relay.drain();
      let row = await outboxRow(envelope.eventId);
      expect(row).toMatchObject({ dispatched_at: null, attempts: 1, last_error: 'downstream unavailable' });
      expect(row.locked_until.getTime()).toBeGreaterThan(Date.now());
      // The failed reaction rolled back with its inbox row, so the retry is not swallowed.
      expect(await processed(consumer, envelope.eventId)).toBe(0);

      fail = false;
      await t.db.query(`UPDATE outbox SET locked_until = now() - interval '1 second' WHERE id = $1`, [envelope.eventId]);
      await relay.drain();
      row = await outboxRow(envelope.eventId);
      expect(row.dispatched_at).toBeInstanceOf(Date);
      expect(effects).toBe(1);
      expect(await processed(consumer, envelope.eventId)).toBe(1);
    } finally {
      emitter.off(name, handler);
    }
  });

  it('creating staff writes a staff.created outbox row in the request transaction, and it ends up dispatched to listeners', async () => {
    const owner = (await loginStaff(t)).accessToken;
    const received: DomainEventEnvelope[] = [];
    const handler = async (e: DomainEventEnvelope) => {
      received.push(e);
    };
    emitter.on('staff.created', handler, { promisify: true });
    try {
      const staff = await createStaff(t, owner, 'support');
      const rows: { id: string; event_name: string; dispatched_at: Date | null; envelope: DomainEventEnvelope }[] = await t.db.query(
        `SELECT id, event_name, dispatched_at, envelope FROM outbox WHERE envelope->'payload'->>'staffId' = $1`,
        [staff.id],
      );
      expect(rows).toHaveLength(1);
      expect(rows[0].event_name).toBe('staff.created');
      // Dispatched after commit, within the request.
      expect(rows[0].dispatched_at).toBeInstanceOf(Date);
      expect(rows[0].envelope).toMatchObject({ eventId: rows[0].id, name: 'staff.created', tenantId: null, payload: { staffId: staff.id, email: staff.email, role: 'support', isActive: true } });
      const mine = received.filter((e) => (e.payload as { staffId?: string }).staffId === staff.id);
      expect(mine).toEqual([rows[0].envelope]);
    } finally {
      emitter.off('staff.created', handler);
    }
  });
});
