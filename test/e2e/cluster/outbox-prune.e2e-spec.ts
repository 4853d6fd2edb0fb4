import { randomUUID } from 'node:crypto';
import { OutboxRelay } from '../../../src/common/events';
import { createTestApp, TestApp } from '../../support/app';

describe('outbox and inbox retention', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('prunes old dispatched outbox rows and old inbox rows, and keeps the rest', async () => {
    const [oldDone, freshDone, oldPending] = [randomUUID(), randomUUID(), randomUUID()];
    const insert = (id: string, dispatchedAt: string | null) =>
      t.db.query(
        `INSERT INTO outbox (id, event_name, envelope, occurred_at, locked_until, dispatched_at)
         VALUES ($1, 'test.prune', '{}', now() - interval '30 days', now() + interval '1 hour', ${dispatchedAt ?? 'NULL'})`,
        [id],
      );
    await insert(oldDone, `now() - interval '8 days'`);
    await insert(freshDone, `now() - interval '1 day'`);
    await insert(oldPending, null);
    const [oldInbox, freshInbox] = [randomUUID(), randomUUID()];
    await t.db.query(`INSERT INTO processed_events (consumer, event_id, created_at) VALUES ('prune-test', $1, now() - interval '31 days'), ('prune-test', $2, now())`, [oldInbox, freshInbox]);

    const result = await t.app.get(OutboxRelay).prune();
    expect(result.outbox).toBeGreaterThanOrEqual(1);
    const left = await t.db.query(`SELECT id FROM outbox WHERE id = ANY($1::uuid[]) ORDER BY id`, [[oldDone, freshDone, oldPending]]);
    expect(left.map((r: { id: string }) => r.id).sort()).toEqual([freshDone, oldPending].sort());
    const inbox = await t.db.query(`SELECT event_id FROM processed_events WHERE consumer = 'prune-test' AND event_id = ANY($1::uuid[])`, [[oldInbox, freshInbox]]);
    expect(inbox.map((r: { event_id: string }) => r.event_id)).toEqual([freshInbox]);
  });
});
