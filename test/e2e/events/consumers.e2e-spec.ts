import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../../src/app.module';
import { EnvelopeOf, EventBus, OnEvent, OutboxRelay, UnitOfWork } from '../../../src/common/events';
import { OutboxDispatcher } from '../../../src/common/events/outbox-dispatcher';
import { TenantSuspendedEvent } from '../../../src/modules/tenants/events';
import { createTestApp, TestApp } from '../../support/app';
import { callsOf, deliveriesOf, effectMarker, makeDue, outboxRow, pauseScheduledRelay, ProbeConsumers, ProbeEvent, ProbeModule, processedBy } from './probe';

const STEADY = 'test.probe-steady';
const FLAKY = 'test.probe-flaky';

/** Per-consumer delivery: each consumer of an event runs in its own unit of work with its inbox row. */
describe('event consumers', () => {
  let t: TestApp;
  let relay: OutboxRelay;

  beforeAll(async () => {
    t = await createTestApp({}, [ProbeModule]);
    await pauseScheduledRelay(t);
    relay = t.app.get(OutboxRelay);
  });
  afterAll(() => t.close());

  /** Publishes a probe event the way a service does: in a unit of work, dispatched after commit. */
  const publish = async (payload: ProbeEvent['payload']): Promise<string> => {
    const event = new ProbeEvent(null, payload);
    await t.app.get(UnitOfWork).run(() => t.app.get(EventBus).publish(event));
    return event.eventId;
  };

  it('a failing consumer is recorded and retried alone; the other runs exactly once; the row ends dispatched', async () => {
    const id = await publish({ label: 'two consumers', flakyFailures: 1 });

    // After commit both ran; the steady one committed, the flaky one rolled back with its effect.
    expect([callsOf(STEADY, id), callsOf(FLAKY, id)]).toEqual([1, 1]);
    expect(await processedBy(t, id)).toEqual([effectMarker(STEADY), STEADY].sort());
    const [delivery, ...others] = await deliveriesOf(t, id);
    expect(others).toEqual([]);
    expect(delivery).toMatchObject({ consumer: FLAKY, attempts: 1, last_error: 'downstream unavailable (call 1)' });
    // First back-off: 5 s.
    expect(delivery.next_attempt_at.getTime() - Date.now()).toBeGreaterThan(3_000);
    expect(delivery.next_attempt_at.getTime() - Date.now()).toBeLessThanOrEqual(5_500);
    const row = await outboxRow(t, id);
    expect(row).toMatchObject({ dispatched_at: null, attempts: 1, last_error: `${FLAKY}: downstream unavailable (call 1)` });
    expect(row.locked_until.getTime()).toBe(delivery.next_attempt_at.getTime());

    // Before the back-off has elapsed the relay leaves the event alone.
    await relay.drain();
    expect([callsOf(STEADY, id), callsOf(FLAKY, id)]).toEqual([1, 1]);

    await makeDue(t, id);
    expect(await relay.drain()).toBeGreaterThanOrEqual(1);
    expect([callsOf(STEADY, id), callsOf(FLAKY, id)]).toEqual([1, 2]);
    expect(await processedBy(t, id)).toEqual([effectMarker(FLAKY), effectMarker(STEADY), FLAKY, STEADY].sort());
    expect(await deliveriesOf(t, id)).toEqual([]);
    expect((await outboxRow(t, id)).dispatched_at).toBeInstanceOf(Date);
  });

  it('each consumer keeps its own back-off: the relay does not retry one whose next attempt is still ahead', async () => {
    const id = await publish({ label: 'back-off', flakyFailures: 2 });
    expect(await deliveriesOf(t, id)).toMatchObject([{ consumer: FLAKY, attempts: 1 }]);

    // The row comes due (say, another consumer's schedule) while the flaky consumer's has not.
    await t.db.query(`UPDATE outbox SET locked_until = now() - interval '1 second' WHERE id = $1`, [id]);
    await relay.drain();
    expect(callsOf(FLAKY, id)).toBe(1);
    const [waiting] = await deliveriesOf(t, id);
    const row = await outboxRow(t, id);
    // The row waits for that consumer again, and this round counted no failure.
    expect(row).toMatchObject({ dispatched_at: null, attempts: 1 });
    expect(row.locked_until.getTime()).toBe(waiting.next_attempt_at.getTime());

    await makeDue(t, id);
    await relay.drain();
    expect(callsOf(FLAKY, id)).toBe(2);
    const [second] = await deliveriesOf(t, id);
    expect(second).toMatchObject({ attempts: 2, last_error: 'downstream unavailable (call 2)' });
    // Second back-off: 10 s.
    expect(second.next_attempt_at.getTime() - Date.now()).toBeGreaterThan(8_000);
    expect((await outboxRow(t, id)).attempts).toBe(2);

    await makeDue(t, id);
    await relay.drain();
    expect([callsOf(STEADY, id), callsOf(FLAKY, id)]).toEqual([1, 3]);
    expect((await outboxRow(t, id)).dispatched_at).toBeInstanceOf(Date);
    expect(await deliveriesOf(t, id)).toEqual([]);
  });

  it('a re-dispatch of an already processed event runs no consumer twice, even when drains race', async () => {
    const id = await publish({ label: 'processed' });
    expect([callsOf(STEADY, id), callsOf(FLAKY, id)]).toEqual([1, 1]);
    expect((await outboxRow(t, id)).dispatched_at).toBeInstanceOf(Date);

    // A crash after the consumers committed but before the row was marked dispatched.
    await t.db.query(`UPDATE outbox SET dispatched_at = NULL, locked_until = now() - interval '1 second' WHERE id = $1`, [id]);
    await Promise.all([relay.drain(), relay.drain()]);
    expect([callsOf(STEADY, id), callsOf(FLAKY, id)]).toEqual([1, 1]);
    expect((await outboxRow(t, id)).dispatched_at).toBeInstanceOf(Date);
    expect(await processedBy(t, id)).toEqual([effectMarker(FLAKY), effectMarker(STEADY), FLAKY, STEADY].sort());
  });

  it('the inbox row alone stops a second run when a dispatch does not know the event was processed', async () => {
    const id = await publish({ label: 'inbox' });
    const [row] = await t.db.query(`SELECT envelope FROM outbox WHERE id = $1`, [id]);
    // A dispatch without the relay's delivery state, e.g. a second instance that took the row late.
    await t.app.get(OutboxDispatcher).dispatch([row.envelope]);
    expect([callsOf(STEADY, id), callsOf(FLAKY, id)]).toEqual([1, 1]);
    expect(await processedBy(t, id)).toEqual([effectMarker(FLAKY), effectMarker(STEADY), FLAKY, STEADY].sort());
  });
});

/** A second listener that claims a consumer id already taken. */
@Injectable()
class ImpostorListener {
  @OnEvent(ProbeEvent, 'test.probe-steady')
  async handle(_event: EnvelopeOf<typeof ProbeEvent>): Promise<void> {}
}
@Module({ providers: [ImpostorListener] })
class ImpostorModule {}

/** A test listener that reuses the id of a production consumer. */
@Injectable()
class ShadowListener {
  @OnEvent(TenantSuspendedEvent, 'tenants.sync-access')
  async handle(_event: EnvelopeOf<typeof TenantSuspendedEvent>): Promise<void> {}
}
@Module({ providers: [ShadowListener] })
class ShadowModule {}

/** The probe listener registered a second time, by another module. */
@Module({ providers: [ProbeConsumers] })
class SecondProbeModule {}

describe('consumer ids at boot', () => {
  const boot = async (imports: (typeof ProbeModule)[]): Promise<void> => {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule, ...imports] }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    try {
      await app.init();
    } finally {
      await app.close().catch(() => undefined);
    }
  };

  it('a consumer id declared by two listeners fails the boot, naming both', async () => {
    await expect(boot([ProbeModule, ImpostorModule])).rejects.toThrow('event consumer id "test.probe-steady" is declared by ProbeConsumers.steady and ImpostorListener.handle');
  });

  it('so does reusing the id of a production consumer', async () => {
    await expect(boot([ShadowModule])).rejects.toThrow(/event consumer id "tenants.sync-access" is declared by SyncAccessWhenTenantLifecycleChangesListener.sync and ShadowListener.handle/);
  });

  it('so does registering one listener class twice', async () => {
    await expect(boot([ProbeModule, SecondProbeModule])).rejects.toThrow(/event consumer id "test.probe-(steady|flaky)" is declared by ProbeConsumers\.\w+ and ProbeConsumers\.\w+/);
  });
});
