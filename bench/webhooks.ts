/**
 * Webhook delivery throughput and latency.
 * - 100 tenants, each with one endpoint subscribed to `tenant.updated` on a local receiver (a child
 *   process answering 204). BENCH_EVENTS (default 5,000) events are published at BENCH_RATE
 *   (default 600/s) through the real event bus (outbox → fan-out consumer → Bull → HTTP).
 *   Measured: deliveries/s, and commit → delivered latency (receiver arrival minus the event's
 *   occurredAt) p50 / p95 / p99. Target: ≥ 500 deliveries/s, p95 ≤ 500 ms.
 * - Then the same again with one more endpoint per 10 tenants pointing at a dead receiver (it
 *   accepts the connection and never answers: every attempt waits for the timeout). Target: the
 *   healthy endpoints' throughput drops by ≤ 10 %.
 *
 * - Finally the delivery engine alone: BENCH_BACKLOG (default 10,000) stored messages enqueued at
 *   once, drained by this one instance.
 *
 * Run: `node -r @swc-node/register bench/webhooks.ts` (PostgreSQL + Redis up). It (re)creates the
 * database `control_plane_bench_hot_webhooks`, boots the AppModule in this process (Redis db 12),
 * and prints JSON.
 */
import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { recreateDatabase } from './tenant-list';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 5000);
const RATE = Number(process.env.BENCH_RATE ?? 600);
/** Events per producing transaction. */
const PER_TX = Number(process.env.BENCH_EVENTS_PER_TX ?? 1);
const TENANTS = 100;
const DB = 'control_plane_bench_hot_webhooks';

/** The receiver: a child process so its work does not share the service's event loop. */
const RECEIVER_SOURCE = `
const http = require('node:http');
const arrivals = [];
const server = http.createServer((req, res) => {
  if (req.url.startsWith('/dead')) return; // never answers
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString());
    arrivals.push([Date.now(), Date.parse(body.occurredAt), req.url]);
    res.writeHead(204).end();
  });
});
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', (m) => { if (m === 'report') { process.send({ arrivals: arrivals.splice(0) }); } });
`;

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function seed(ds: DataSource, port: number, sealed: (s: string) => string, dead: boolean): Promise<string[]> {
  await ds.query(`TRUNCATE webhook_endpoints CASCADE`);
  const tenants: { id: string }[] = await ds.query(`SELECT id FROM tenants ORDER BY slug`);
  const ids = tenants.map((t) => t.id);
  const secret = sealed(`whsec_${Buffer.from('b'.repeat(24)).toString('base64')}`);
  await ds.query(
    `INSERT INTO webhook_endpoints (tenant_id, url, event_types, secret) SELECT t, 'http://127.0.0.1:' || $2 || '/ok/' || t, '{tenant.updated}', $3 FROM unnest($1::uuid[]) AS t`,
    [ids, port, secret],
  );
  if (dead) {
    await ds.query(
      `INSERT INTO webhook_endpoints (tenant_id, url, event_types, secret) SELECT t, 'http://127.0.0.1:' || $2 || '/dead/' || t, '{tenant.updated}', $3 FROM unnest($1::uuid[]) AS t`,
      [ids.filter((_, i) => i % 10 === 0), port, secret],
    );
  }
  return ids;
}

async function run(app: INestApplication, tenants: string[], report: () => Promise<[number, number, string][]>, label: string, events = EVENTS) {
  const { EventBus, UnitOfWork } = await import('../src/common/events');
  const { TenantUpdatedEvent } = await import('../src/modules/tenants/events/tenant.events');
  const uow = app.get(UnitOfWork);
  const bus = app.get(EventBus);
  const started = Date.now();
  const perTick = Math.max(1, Math.round(RATE / 20));
  let sent = 0;
  while (sent < events) {
    const tickStart = Date.now();
    const n = Math.min(perTick, events - sent);
    // Transactions of PER_TX events each (a bulk change publishes several events in one commit).
    const event = (k: number) => new TenantUpdatedEvent(tenants[k % tenants.length], { tenantId: tenants[k % tenants.length], changed: ['name'], version: k } as never);
    await Promise.all(
      Array.from({ length: Math.ceil(n / PER_TX) }, (_, b) =>
        uow.run(() => bus.publish(...Array.from({ length: Math.min(PER_TX, n - b * PER_TX) }, (_, i) => event(sent + b * PER_TX + i)))),
      ),
    );
    sent += n;
    const wait = 50 - (Date.now() - tickStart);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  const publishedIn = (Date.now() - started) / 1000;
  const EV = events;
  const arrivals: [number, number, string][] = [];
  const deadline = Date.now() + 120_000;
  while (arrivals.filter((a) => a[2].startsWith('/ok')).length < EV && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    arrivals.push(...(await report()));
  }
  const ok = arrivals.filter((a) => a[2].startsWith('/ok'));
  const last = Math.max(...ok.map((a) => a[0]));
  const latencies = ok.map((a) => a[0] - a[1]).sort((a, b) => a - b);
  return {
    label,
    published: EV,
    publishedPerSecond: Math.round(EV / publishedIn),
    delivered: ok.length,
    deliveriesPerSecond: Math.round(ok.length / ((last - started) / 1000)),
    latencyMs: { p50: pct(latencies, 50), p95: pct(latencies, 95), p99: pct(latencies, 99), max: latencies[latencies.length - 1] },
  };
}

/** Delivery capacity alone: BENCH_BACKLOG messages already stored (pending), enqueued at once; time until all arrived. */
async function drain(app: INestApplication, ds: DataSource, report: () => Promise<[number, number, string][]>) {
  const { WebhookDelivery } = await import('../src/modules/integrations/webhooks/webhook-delivery.service');
  const n = Number(process.env.BENCH_BACKLOG ?? 10_000);
  const now = new Date().toISOString();
  const rows: { id: string; event_id: string; endpoint_id: string }[] = await ds.query(
    `INSERT INTO webhook_messages (id, endpoint_id, tenant_id, event_tenant_id, event_id, event_type, body)
     SELECT gen_random_uuid(), e.id, e.tenant_id, e.tenant_id, gen_random_uuid(), 'tenant.updated', json_build_object('occurredAt', $2::text)::text
       FROM generate_series(1, $1) AS i JOIN LATERAL (SELECT id, tenant_id FROM webhook_endpoints WHERE url LIKE '%/ok/%' ORDER BY id OFFSET (i % 100) LIMIT 1) e ON true
     RETURNING id, event_id, endpoint_id`,
    [n, now],
  );
  const started = Date.now();
  await app.get(WebhookDelivery).enqueue(rows.map((r) => ({ messageId: r.id, eventId: r.event_id, endpointId: r.endpoint_id, attempt: 1, delayMs: 0 })));
  let got = 0;
  let last = started;
  const deadline = Date.now() + 180_000;
  while (got < n && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    const batch = (await report()).filter((a) => a[2].startsWith('/ok'));
    got += batch.length;
    if (batch.length) last = Math.max(last, ...batch.map((a) => a[0]));
  }
  return { label: 'backlog drain (delivery engine alone)', messages: n, delivered: got, deliveriesPerSecond: Math.round(got / ((last - started) / 1000)) };
}

async function main(): Promise<void> {
  const ds = await recreateDatabase(DB);
  await ds.query(`INSERT INTO tenants (name, slug, contact_email) SELECT 'T' || i, 'wh-' || lpad(i::text, 3, '0'), 'ops' || i || '@example.com' FROM generate_series(1, $1) AS i`, [TENANTS]);
  const receiverFile = join(tmpdir(), 'bench-webhook-receiver.cjs');
  writeFileSync(receiverFile, RECEIVER_SOURCE);
  const receiver = fork(receiverFile);
  const port = await new Promise<number>((resolve) => receiver.once('message', (m: { port: number }) => resolve(m.port)));
  const report = () => new Promise<[number, number, string][]>((resolve) => { receiver.once('message', (m: { arrivals: [number, number, string][] }) => resolve(m.arrivals)); receiver.send('report'); });

  Object.assign(process.env, {
    DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${DB}`,
    REDIS_URL: 'redis://127.0.0.1:6379/12',
    LOG_LEVEL: 'silent',
    MIGRATIONS_RUN: 'false',
    WEBHOOK_ALLOWED_PRIVATE_TARGETS: '127.0.0.1',
    WEBHOOK_TIMEOUT_MS: '15000',
  });
  const { AppModule } = await import('../src/app.module');
  const { WebhookSecrets } = await import('../src/modules/integrations/webhooks/webhook-secrets');
  const app = await NestFactory.create(AppModule, { logger: false });
  await app.init();
  const secrets = app.get(WebhookSecrets);
  const results = [];
  try {
    const tenants = await seed(ds, port, (s) => secrets.seal(s), false);
    await run(app, tenants, report, 'warm-up', 1000);
    results.push(await run(app, tenants, report, 'healthy endpoints only'));
    await seed(ds, port, (s) => secrets.seal(s), true);
    results.push(await run(app, tenants, report, 'plus 10 dead endpoints (no answer, 15 s timeout)'));
    await ds.query(`DELETE FROM webhook_endpoints WHERE url LIKE '%/dead/%'`);
    results.push(await drain(app, ds, report));
  } finally {
    await app.close();
    receiver.kill();
    await ds.destroy();
  }
  const [healthy, withDead] = results as { deliveriesPerSecond: number }[];
  console.log(JSON.stringify({ node: process.version, events: EVENTS, rate: RATE, eventsPerTransaction: PER_TX, results, healthyThroughputDrop: `${Math.round((1 - withDead.deliveriesPerSecond / healthy.deliveriesPerSecond) * 1000) / 10} %` }, null, 2));
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
