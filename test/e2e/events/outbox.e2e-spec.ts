import { EventBus, OutboxRelay, UnitOfWork } from '../../../src/common/events';
import { eventsSettled } from '../../support/fixtures';
import { createStaff, createTestApp, loginStaff, TestApp } from '../../support/app';
import { callsOf, deferredLatch, DeferredProbeEvent, effectMarker, envelopeOf, insertUndispatched, outboxRow, pauseScheduledRelay, ProbeEvent, ProbeModule, processedBy } from './probe';

describe('transactional outbox and relay', () => {
  let t: TestApp;
  let relay: OutboxRelay;

  beforeAll(async () => {
    t = await createTestApp({}, [ProbeModule]);
    await pauseScheduledRelay(t);
    relay = t.app.get(OutboxRelay);
  });
  afterAll(() => t.close());

  it('the relay delivers an undispatched event exactly once to each consumer, even when drains race', async () => {
    const envelope = await insertUndispatched(t, envelopeOf(ProbeEvent.eventName, { label: 'crash before dispatch' }));
    await Promise.all([relay.drain(), relay.drain()]);
    await relay.drain();

    // SKIP LOCKED + lease: the racing drains did not both take the row.
    expect(callsOf('test.probe-steady', envelope.eventId)).toBe(1);
    expect(callsOf('test.probe-flaky', envelope.eventId)).toBe(1);
    expect(await processedBy(t, envelope.eventId)).toEqual(expect.arrayContaining(['test.probe-flaky', 'test.probe-steady']));
    const row = await outboxRow(t, envelope.eventId);
    expect(row.dispatched_at).toBeInstanceOf(Date);
    expect(row.attempts).toBe(0);
  });

  it('a row whose lease has not expired is left alone (its producer still owns it)', async () => {
    const envelope = await insertUndispatched(t, envelopeOf(ProbeEvent.eventName, { label: 'leased' }));
    try {
      await t.db.query(`UPDATE outbox SET locked_until = now() + interval '10 minutes' WHERE id = $1`, [envelope.eventId]);
      await relay.drain();
      expect(callsOf('test.probe-steady', envelope.eventId)).toBe(0);
      expect((await outboxRow(t, envelope.eventId)).dispatched_at).toBeNull();
    } finally {
      await t.db.query(`UPDATE outbox SET dispatched_at = now() WHERE id = $1`, [envelope.eventId]);
    }
  });

  it('an undispatched event that nobody consumes is marked dispatched by the relay', async () => {
    const envelope = await insertUndispatched(t, envelopeOf('test.outbox.unconsumed'));
    await relay.drain();
    expect((await outboxRow(t, envelope.eventId)).dispatched_at).toBeInstanceOf(Date);
    expect(await processedBy(t, envelope.eventId)).toEqual([]);
  });

  it('creating staff writes a staff.created outbox row in the request transaction, dispatched after commit to its one consumer', async () => {
    const owner = (await loginStaff(t)).accessToken;
    const staff = await createStaff(t, owner, 'support');
    const rows: { id: string; event_name: string; dispatched_at: Date | null; envelope: Record<string, unknown> }[] = await t.db.query(
      `SELECT id, event_name, dispatched_at, envelope FROM outbox WHERE envelope->'payload'->>'staffId' = $1`,
      [staff.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].event_name).toBe('staff.created');
    // Its one consumer is deferred (after the response): dispatched once the background round ends.
    await eventsSettled(t);
    expect((await outboxRow(t, rows[0].id)).dispatched_at).toBeInstanceOf(Date);
    expect(rows[0].envelope).toMatchObject({ eventId: rows[0].id, name: 'staff.created', tenantId: null, payload: { staffId: staff.id, email: staff.email, role: 'support', isActive: true } });
    // Its one consumer is the webhook fan-out (every catalog event may reach platform webhooks).
    expect(await processedBy(t, rows[0].id)).toEqual(['integrations.webhook-fan-out']);
  });

  it('a staff role change is dispatched after commit to each of its consumers, each with its inbox row, within the request', async () => {
    const owner = (await loginStaff(t)).accessToken;
    const staff = await createStaff(t, owner, 'support');
    const token = (await loginStaff(t, staff.email, staff.password)).accessToken;
    const res = await t.as(owner).PATCH('/api/v1/admin/staff/{staffId}', { params: { path: { staffId: staff.id } }, body: { role: 'admin' } });
    expect(res.response.status).toBe(200);

    const [row]: { id: string; dispatched_at: Date | null }[] = await t.db.query(
      `SELECT id, dispatched_at FROM outbox WHERE event_name = 'staff.updated' AND envelope->'payload'->>'staffId' = $1`,
      [staff.id],
    );
    // The inline consumers ran before the response; the webhook fan-out is deferred.
    expect(await processedBy(t, row.id)).toEqual(expect.arrayContaining(['iam.revoke-staff-tokens', 'impersonation.end-sessions-of-staff']));
    await eventsSettled(t);
    expect((await outboxRow(t, row.id)).dispatched_at).toBeInstanceOf(Date);
    expect(await processedBy(t, row.id)).toEqual(['iam.revoke-staff-tokens', 'impersonation.end-sessions-of-staff', 'integrations.webhook-fan-out']);
    // The iam consumer's effect: the old token, with the old role, is revoked at once.
    expect((await t.as(token).GET('/api/v1/auth/me')).response.status).toBe(401);
  });

  it('a deferred consumer runs after the producer has returned: the inline one before, the row dispatched once both are done', async () => {
    deferredLatch.close();
    try {
      const event = new DeferredProbeEvent(null, { label: 'slow fan-out' });
      await t.app.get(UnitOfWork).run(() => t.app.get(EventBus).publish(event));
      // The producer is back while the deferred consumer still waits: nothing of it is written yet.
      expect(callsOf('test.probe-inline', event.eventId)).toBe(1);
      expect(callsOf('test.probe-background', event.eventId)).toBe(0);
      expect(await processedBy(t, event.eventId)).toEqual(['test.probe-inline']);
      expect((await outboxRow(t, event.eventId)).dispatched_at).toBeNull();
      deferredLatch.release();
      await eventsSettled(t);
      expect(callsOf('test.probe-background', event.eventId)).toBe(1);
      expect(await processedBy(t, event.eventId)).toEqual([effectMarker('test.probe-background'), 'test.probe-background', 'test.probe-inline']);
      expect((await outboxRow(t, event.eventId)).dispatched_at).toBeInstanceOf(Date);
      expect(callsOf('test.probe-inline', event.eventId)).toBe(1);
    } finally {
      deferredLatch.release();
    }
  });

  it('a deferred consumer lost with its process (committed, never run) is delivered by the relay, once', async () => {
    const envelope = await insertUndispatched(t, envelopeOf(DeferredProbeEvent.eventName, { label: 'crash before the background round' }));
    await relay.drain();
    await relay.drain();
    expect(callsOf('test.probe-inline', envelope.eventId)).toBe(1);
    expect(callsOf('test.probe-background', envelope.eventId)).toBe(1);
    expect((await outboxRow(t, envelope.eventId)).dispatched_at).toBeInstanceOf(Date);
  });
});
