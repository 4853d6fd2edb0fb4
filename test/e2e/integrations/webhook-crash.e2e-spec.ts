import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createTestApp, TestApp } from '../../support/app';
import { insertPlan, provisionTenant, waitFor } from '../../support/fixtures';
import { TEST_ENV } from '../../support/test-env';
import { WebhookReceiver } from '../../support/webhook-receiver';
import { WebhookDelivery } from '../../../src/modules/integrations/webhooks/webhook-delivery.service';
import { WebhookSecrets } from '../../../src/modules/integrations/webhooks/webhook-secrets';

const ENV = { WEBHOOK_ALLOWED_PRIVATE_TARGETS: '127.0.0.1', WEBHOOK_TIMEOUT_MS: '3000' };

/** Boots test/support/webhook-worker.ts as its own process on this worker's database and Redis. */
function startWorker(): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'test/support/webhook-worker.ts'], { env: { ...process.env, ...TEST_ENV, ...ENV }, stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve(child));
    child.on('exit', (code, signal) => reject(new Error(`worker exited early: ${code ?? signal}`)));
  });
}

describe('webhook delivery survives kill -9 of the worker mid-delivery', () => {
  let receiver: WebhookReceiver;
  let t: TestApp | undefined;
  let worker: ChildProcess | undefined;
  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
  });
  afterAll(async () => {
    worker?.kill('SIGKILL');
    await t?.close();
    await receiver?.stop();
  });

  it('the message is neither lost nor stuck in delivering: another instance reclaims and delivers it (same webhook-id)', async () => {
    // Only the child process works the queue while the message is sent: the test app is not up yet.
    worker = await startWorker();
    const setup = await createTestApp(ENV);
    const plan = await insertPlan(setup);
    const tenant = await provisionTenant(setup, plan.code, { trialDays: 0 });
    const secret = setup.app.get(WebhookSecrets).seal(WebhookSecrets.generate());
    await setup.close(); // its workers stop: the child is alone on the queue

    const path = `/${randomUUID()}`;
    receiver.answers.set(path, (_r, i) => (i === 0 ? { status: 204, delayMs: 2500 } : { status: 204 }));
    t = await createTestApp(ENV); // started later; first used to read and to enqueue
    const [endpoint] = await t.db.query(`INSERT INTO webhook_endpoints (tenant_id, url, event_types, secret) VALUES ($1, $2, '{user.*}', $3) RETURNING id`, [tenant.id, `${receiver.url}${path}`, secret]);
    await t.close();
    t = undefined;

    const { default: Bull } = await import('bull');
    const queue = new Bull('webhooks', TEST_ENV.REDIS_URL, { prefix: 'cp' }); // the service's queue prefix (app.module.ts)
    const id = randomUUID();
    const eventId = randomUUID();
    const { DataSource } = await import('typeorm');
    const db = new DataSource({ type: 'postgres', url: TEST_ENV.DATABASE_URL });
    await db.initialize();
    try {
      await db.query(`INSERT INTO webhook_messages (id, endpoint_id, tenant_id, event_tenant_id, event_id, event_type, body) VALUES ($1, $2, $3, $3, $4, 'user.created', '{"n":1}')`, [id, endpoint.id, tenant.id, eventId]);
      await queue.add('deliver', { messageId: id }, { jobId: `${eventId}:${endpoint.id}:1`, removeOnComplete: true });
      await waitFor(async () => receiver.at(path).length === 1, 15_000);
      worker.kill('SIGKILL'); // mid-delivery: the receiver holds the response for 2.5 s
      worker = undefined;
      const [stuck] = await db.query(`SELECT status, attempts FROM webhook_messages WHERE id = $1`, [id]);
      expect(stuck).toEqual({ status: 'delivering', attempts: 1 });

      t = await createTestApp(ENV);
      const delivery = t.app.get(WebhookDelivery);
      // The lease (timeout 3 s + 3 s) runs out; the sweep (every 30 s in production) re-queues it.
      await waitFor(async () => (await delivery.sweep()) > 0 || (await db.query(`SELECT status FROM webhook_messages WHERE id = $1`, [id]))[0].status === 'succeeded', 20_000);
      await waitFor(async () => (await db.query(`SELECT status FROM webhook_messages WHERE id = $1`, [id]))[0].status === 'succeeded', 15_000);
      const [done] = await db.query(`SELECT status, attempts FROM webhook_messages WHERE id = $1`, [id]);
      expect(done).toEqual({ status: 'succeeded', attempts: 2 });
      expect(receiver.at(path).map((r) => r.headers['webhook-id'])).toEqual([id, id]); // at least once, deduplicable
      const attempts = await db.query(`SELECT attempt_number, success FROM webhook_attempts WHERE message_id = $1`, [id]);
      expect(attempts).toEqual([{ attempt_number: 2, success: true }]); // the killed attempt left no half-written row
    } finally {
      await queue.close();
      await db.destroy();
    }
  }, 90_000);
});
