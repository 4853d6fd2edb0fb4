import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { OutboxRelay } from '../../../src/common/events';
import { createTestApp, loginStaff, OWNER, TestApp, unique } from '../../support/app';
import { callsOf, envelopeOf, insertUndispatched, pauseScheduledRelay, ProbeEvent, ProbeModule } from '../events/probe';

/** CONVENTIONS §9: several instances on one PostgreSQL and one Redis behave like one. */
describe('two instances behind a load balancer', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    // Both instances run the same consumers, as a deployment does.
    [a, b] = await Promise.all([createTestApp({}, [ProbeModule]), createTestApp({}, [ProbeModule])]);
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  it('a logout on one instance revokes the access token on the other at once', async () => {
    const pair = await loginStaff(a);
    expect((await b.as(pair.accessToken).GET('/api/v1/auth/me')).response.status).toBe(200);
    expect((await a.as(pair.accessToken).POST('/api/v1/auth/logout')).response.status).toBe(204);
    expect((await b.as(pair.accessToken).GET('/api/v1/auth/me')).response.status).toBe(401);
    expect((await b.api.POST('/api/v1/auth/refresh', { body: { refreshToken: pair.refreshToken } })).response.status).toBe(401);
  });

  it('failed sign-ins are counted across instances', async () => {
    const owner = (await loginStaff(a)).accessToken;
    const email = `${unique('lock')}@example.com`;
    await a.as(owner).POST('/api/v1/admin/staff', { body: { email, fullName: 'Lock', role: 'support', password: 'correct-password-1' } });
    for (let i = 0; i < 10; i += 1) {
      const app = i % 2 ? a : b;
      expect((await app.api.POST('/api/v1/admin/auth/login', { body: { email, password: 'wrong-password-1' } })).response.status).toBe(401);
    }
    const locked = await a.api.POST('/api/v1/admin/auth/login', { body: { email, password: 'correct-password-1' } });
    expect(locked.response.status).toBe(429);
    expect(Number(locked.response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await b.api.POST('/api/v1/admin/auth/login', { body: OWNER })).response.status).toBe(200);
  });

  it('the outbox relays of both instances deliver every event exactly once to each consumer', async () => {
    // Only these drains run the relay, so the counts are final when they return.
    await Promise.all([pauseScheduledRelay(a), pauseScheduledRelay(b)]);
    const ids: string[] = [];
    for (let i = 0; i < 20; i += 1) ids.push((await insertUndispatched(a, envelopeOf(ProbeEvent.eventName, { label: `cluster ${i}` }))).eventId);
    await Promise.all([a.app.get(OutboxRelay).drain(5), b.app.get(OutboxRelay).drain(5), a.app.get(OutboxRelay).drain(5), b.app.get(OutboxRelay).drain(5)]);
    expect(ids.map((id) => callsOf('test.probe-steady', id) + callsOf('test.probe-flaky', id))).toEqual(ids.map(() => 2));
    const rows = await a.db.query(`SELECT count(*)::int AS n FROM outbox WHERE id = ANY($1::uuid[]) AND dispatched_at IS NOT NULL`, [ids]);
    expect(rows[0].n).toBe(20);
    const inbox = await a.db.query(`SELECT count(*)::int AS n FROM processed_events WHERE consumer IN ('test.probe-steady', 'test.probe-flaky') AND event_id = ANY($1::uuid[])`, [ids]);
    expect(inbox[0].n).toBe(40);
  });

  it('scheduled work has one schedule per cluster', async () => {
    for (const [queueName, count] of [['outbox', 2], ['usage', 3]] as const) {
      const repeatables = await a.app.get<Queue>(getQueueToken(queueName)).getRepeatableJobs();
      expect(repeatables).toHaveLength(count);
    }
  });
});
