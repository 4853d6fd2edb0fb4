/**
 * Metering throughput and reservation latency of the product-module API.
 * - Usage events: BENCH_SENDERS (default 4) concurrent senders post BENCH_BATCHES (default 120)
 *   batches of 500 events (automationsPerMonth, amount 1, spread over 100 tenants); one batch in
 *   10 is a resend of an earlier batch (the same eventIds). Target: ≥ 5,000 accepted events/s and
 *   0 double counts (the counters' sum equals the number of distinct events).
 * - Reservations: 50 concurrent callers, BENCH_RESERVATIONS (default 2,000) reservations of
 *   `projects` (unlimited plan) with fresh idempotency keys. Target: p95 ≤ 20 ms.
 *
 * Run: `node -r @swc-node/register bench/usage-events.ts` (PostgreSQL + Redis up). It (re)creates
 * the database `control_plane_bench_hot_usage`, migrates it, seeds the tenants in SQL, registers a
 * service client, boots the service (bench/bench-app.ts `full`, Redis db 13) and prints JSON.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { recreateDatabase } from './tenant-list';

const SENDERS = Number(process.env.BENCH_SENDERS ?? 4);
const BATCHES = Number(process.env.BENCH_BATCHES ?? 120);
const BATCH_SIZE = 500;
const RESERVATIONS = Number(process.env.BENCH_RESERVATIONS ?? 2000);
const TENANTS = 100;
const PORT = 3913;
const DB = 'control_plane_bench_hot_usage';
const SECRET = `svcsec_${'b'.repeat(43)}`;

async function seed(ds: DataSource): Promise<string[]> {
  const [plan] = await ds.query(`INSERT INTO plans (code, name, currency, limits, monthly_price_cents, annual_price_cents) VALUES ('bench', 'Bench', 'USD', '{}', 1000, 10000) RETURNING id`);
  const tenants: { id: string }[] = await ds.query(`INSERT INTO tenants (name, slug, contact_email) SELECT 'T' || i, 'usage-' || i, 'ops' || i || '@example.com' FROM generate_series(1, $1) AS i RETURNING id`, [TENANTS]);
  const ids = tenants.map((t) => t.id);
  await ds.query(`INSERT INTO tenant_quotas (tenant_id, plan_id, billing_status) SELECT unnest($1::uuid[]), $2, 'active'`, [ids, plan.id]);
  await ds.query(`INSERT INTO tenant_usage (tenant_id, last_calculated_at) SELECT unnest($1::uuid[]), now()`, [ids]);
  await ds.query(
    `INSERT INTO service_clients (client_id, name, scopes, secret_hash, secret_prefix) VALUES ('svc_bench', 'Bench', '{quota:reserve,usage:write}', $1, $2)`,
    [createHash('sha256').update(SECRET).digest('hex'), SECRET.slice(0, 11)],
  );
  return ids;
}

function start(): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'bench/bench-app.ts', 'full', String(PORT)], {
      env: { ...process.env, DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${DB}`, REDIS_URL: 'redis://127.0.0.1:6379/13', LOG_LEVEL: 'silent', MIGRATIONS_RUN: 'false', SERVICE_RATE_LIMIT_PER_MINUTE: '100000000' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve(child));
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function main(): Promise<void> {
  const ds = await recreateDatabase(DB);
  const tenants = await seed(ds);
  const server = await start();
  try {
    const base = `http://127.0.0.1:${PORT}/api/v1`;
    const tokenRes = await fetch(`${base}/oauth/token`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`svc_bench:${SECRET}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
    const { access_token: token } = (await tokenRes.json()) as { access_token: string };
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

    // Usage events.
    const batches: string[] = [];
    const sent: string[][] = [];
    let distinct = 0;
    for (let b = 0; b < BATCHES; b += 1) {
      if (b % 10 === 9 && sent.length) {
        batches.push(JSON.stringify({ events: JSON.parse(sent[Math.floor(sent.length / 2)][0]) }));
        continue;
      }
      const now = new Date().toISOString();
      const events = Array.from({ length: BATCH_SIZE }, (_, i) => ({ eventId: randomUUID(), tenantId: tenants[(b * BATCH_SIZE + i) % TENANTS], metric: 'automationsPerMonth', amount: 1, occurredAt: now }));
      distinct += BATCH_SIZE;
      sent.push([JSON.stringify(events)]);
      batches.push(JSON.stringify({ events }));
    }
    const warm = await fetch(`${base}/service/usage/events`, { method: 'POST', headers, body: JSON.stringify({ events: [{ eventId: 'warm', tenantId: tenants[0], metric: 'automationsPerMonth', amount: 1, occurredAt: new Date().toISOString() }] }) });
    if (warm.status !== 200) throw new Error(`warm-up ${warm.status} ${await warm.text()}`);
    distinct += 1;
    let next = 0;
    let accepted = 0;
    let duplicates = 0;
    const latencies: number[] = [];
    const started = Date.now();
    await Promise.all(
      Array.from({ length: SENDERS }, async () => {
        for (let b = next++; b < batches.length; b = next++) {
          const t0 = performance.now();
          const res = await fetch(`${base}/service/usage/events`, { method: 'POST', headers, body: batches[b] });
          const body = (await res.json()) as { accepted: number; duplicates: number };
          latencies.push(performance.now() - t0);
          if (res.status !== 200) throw new Error(`batch ${b}: ${res.status} ${JSON.stringify(body)}`);
          accepted += body.accepted;
          duplicates += body.duplicates;
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    const [counted] = await ds.query(`SELECT COALESCE(sum(value), 0)::int AS total FROM usage_counters WHERE metric = 'automationsPerMonth'`);
    const [stored] = await ds.query(`SELECT count(*)::int AS n FROM usage_events`);
    latencies.sort((a, b) => a - b);

    // Reservations.
    let r = 0;
    const reservationLatencies: number[] = [];
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (r < RESERVATIONS) {
          r += 1;
          const t0 = performance.now();
          const res = await fetch(`${base}/service/quota/reservations`, { method: 'POST', headers, body: JSON.stringify({ tenantId: tenants[r % TENANTS], metric: 'projects', amount: 1, idempotencyKey: randomUUID() }) });
          await res.arrayBuffer();
          reservationLatencies.push(performance.now() - t0);
          if (res.status !== 201) throw new Error(`reservation ${res.status}`);
        }
      }),
    );
    reservationLatencies.sort((a, b) => a - b);
    const [projects] = await ds.query(`SELECT COALESCE(sum(value), 0)::int AS total FROM usage_counters WHERE metric = 'projects'`);
    process.stdout.write(
      `${JSON.stringify(
        {
          events: {
            senders: SENDERS,
            batches: BATCHES,
            batchSize: BATCH_SIZE,
            resentBatches: BATCHES - sent.length,
            seconds: Math.round(seconds * 100) / 100,
            acceptedPerSecond: Math.round(accepted / seconds),
            accepted,
            duplicates,
            distinctEventsSent: distinct - 1,
            counterTotal: counted.total - 1,
            storedEvents: stored.n - 1,
            doubleCounts: counted.total - distinct,
            batchP50Ms: Math.round(pct(latencies, 50)),
            batchP95Ms: Math.round(pct(latencies, 95)),
          },
          reservations: { callers: 50, count: RESERVATIONS, p50Ms: Math.round(pct(reservationLatencies, 50) * 10) / 10, p95Ms: Math.round(pct(reservationLatencies, 95) * 10) / 10, p99Ms: Math.round(pct(reservationLatencies, 99) * 10) / 10, counterTotal: projects.total },
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    server.kill('SIGTERM');
    await ds.destroy();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
