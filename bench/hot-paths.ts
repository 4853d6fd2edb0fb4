/**
 * Hot paths of the service against a bare Express + pg server running the same SQL (bench/README.md,
 * "Hot paths"). Targets measured from outside, side by side in one run, rounds alternating the real
 * service and the bare baselines, median of rounds, load average recorded:
 * - P1: tenant quota, tenant users list, admin tenant list ≥ 0.6× the bare server (32 connections);
 *   also reported against `bare-auth` (the bare server plus JWT verification and the Redis MGET).
 * - P2: POST /tenant/users (16 connections) ≥ 80 % of the argon2 ceiling measured in the same run;
 *   pg_stat_activity sampled every 50 ms ('idle in transaction' backends); PATCH /tenant/users/:id
 *   ≥ 0.4× pgbench running the same statements (bench/pgbench-patch-user.sql).
 * - P3: admin tenant list p95 ≤ 50 ms at 10,000 tenants with 20 clients, and p95(10k)/p95(100) ≤ 1.5.
 * - P9: event-loop delay p99 ≤ 50 ms inside the service during the P1 load (bench/eventloop-probe.cjs).
 * - Memory: service RSS at the end of each of three BENCH_MEMORY_ROUND_S load rounds, flat ±10 %.
 *
 * Run: `node -r @swc-node/register bench/hot-paths.ts` (PostgreSQL + Redis up, pgbench on PATH).
 * Knobs: BENCH_ROUNDS (3), BENCH_DURATION_S (10), BENCH_MEMORY_ROUND_S (60), BENCH_USERS (27,000),
 * BENCH_TENANTS (10,000), BENCH_SKIP (comma list of: p1,p2,p3,memory). Writes
 * bench/results/hot-paths-<yyyy-mm-dd>.json with every raw number.
 */
import autocannon from 'autocannon';
import * as argon2 from 'argon2';
import Redis from 'ioredis';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { LIST_SHAPES, measure, measureShapes, recreateDatabase, seedTenants, ShapeResult } from './tenant-list';

const ROOT = join(__dirname, '..');
const DB = 'control_plane_bench_hot';
const DB_100 = 'control_plane_bench_hot_100';
const PG = 'postgres://postgres@127.0.0.1:5432';
const DATABASE_URL = `${PG}/${DB}`;
const REDIS_URL = 'redis://127.0.0.1:6379/13';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const MEMORY_ROUND_S = Number(process.env.BENCH_MEMORY_ROUND_S ?? 60);
const USERS = Number(process.env.BENCH_USERS ?? 27_000);
const TENANTS = Number(process.env.BENCH_TENANTS ?? 10_000);
const SKIP = new Set((process.env.BENCH_SKIP ?? '').split(',').filter(Boolean));
const READ_CONNECTIONS = 32;
const WRITE_CONNECTIONS = 16;
/** The service's libuv pool size (UV_THREADPOOL_SIZE, default 4): argon2 hashes run there. */
const THREADPOOL = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
/** The service's argon2 parameters (src/modules/iam/password-hasher.ts). */
const ARGON2 = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
const JWT_SECRET = 'bench-hot-paths-jwt-secret-0123456789abcdef';
const OWNER = { email: 'owner@bench-hot.test', password: 'bench-owner-password' };
const ADMIN = { email: 'admin@bench-hot.test', password: 'bench-admin-password', fullName: 'Bench Admin' };
const TENANT_SLUG = 'bench-hot';
const USER_PASSWORD = 'bench-user-password';
const PORTS = { service: 3921, bare: 3922, bareAuth: 3923, capture: 3924, service100: 3925 } as const;
/** Seeded users whose fullName the PATCH load changes (ids 1…PATCH_TARGETS of {@link seededUserId}). */
const PATCH_TARGETS = 1000;
/** application_name of the service's connections (PGAPPNAME). */
const SERVICE_APP = 'bench-hot-service';
/** Pause after each load so that requests still in flight finish before the next measurement, in ms. */
const SETTLE_MS = 1500;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (line: string) => process.stderr.write(`[hot-paths ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

/** Deterministic id of the i-th bulk-inserted user (1-based): a valid v4-shaped UUID pgbench can build. */
export function seededUserId(i: number): string {
  return `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
}

/** Median of a list of numbers (the upper one of an even count). */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const round1 = (v: number) => Math.round(v * 10) / 10;
const round3 = (v: number) => Math.round(v * 1000) / 1000;

// ---------------------------------------------------------------------------------------------
// Build, seed, processes
// ---------------------------------------------------------------------------------------------

/** How the service is run: compiled JavaScript (tsc into bench/.build) or, if the build fails, swc at load time. */
interface ServiceBuild {
  kind: 'tsc' | 'swc';
  args: string[];
  buildError?: string;
}

/**
 * Where the service is compiled to: outside the checkout (dist/ belongs to others working in it,
 * and a folder under bench/ would be linted), resolved against the checkout's node_modules via NODE_PATH.
 */
const BUILD_DIR = join(tmpdir(), 'control-plane-bench-hot-build');

/**
 * Compiles src/ and migrations/ with tsconfig.build.json into {@link BUILD_DIR}; retried once a
 * minute up to 3 times (a half-edited file elsewhere fails it), then falls back to
 * `-r @swc-node/register src/main.ts`.
 */
async function buildService(): Promise<ServiceBuild> {
  let error = '';
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    rmSync(BUILD_DIR, { recursive: true, force: true });
    const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', BUILD_DIR], { cwd: ROOT, encoding: 'utf8' });
    if (r.status === 0) return { kind: 'tsc', args: [join(BUILD_DIR, 'src', 'main.js')] };
    error = `${r.stdout}${r.stderr}`.split('\n').slice(0, 5).join('\n');
    log(`build failed (attempt ${attempt}): ${error}`);
    if (attempt < 3) await sleep(60_000);
  }
  return { kind: 'swc', args: ['-r', '@swc-node/register', 'src/main.ts'], buildError: error };
}

/** Environment of a service instance (production-like: NODE_ENV=production, LOG_LEVEL=warn). */
function serviceEnv(port: number, databaseUrl: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_PATH: join(ROOT, 'node_modules'),
    // node-postgres reads PGAPPNAME: the pg_stat_activity sampler tells the servers' backends apart by it.
    PGAPPNAME: SERVICE_APP,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    JWT_SECRET,
    BOOTSTRAP_OWNER_EMAIL: OWNER.email,
    BOOTSTRAP_OWNER_PASSWORD: OWNER.password,
    AUTH_RATE_LIMIT_PER_MINUTE: '10000000',
    ...extra,
  };
}

/** Polls `url` until it answers 200, for up to `timeoutMs` ms. @throws when it never does. */
async function waitFor(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`${url}: process exited with ${child.exitCode}`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms`);
}

const children: ChildProcess[] = [];

/** Boots the real service (with the event-loop probe preloaded) and waits for /health/ready. */
async function startService(build: ServiceBuild, port: number, databaseUrl: string, extra: Record<string, string> = {}): Promise<ChildProcess> {
  // --expose-gc only lets the probe run a full collection on request (the memory rounds' second reading).
  const child = spawn(process.execPath, ['--expose-gc', '--require', './bench/eventloop-probe.cjs', ...build.args], {
    cwd: ROOT,
    env: serviceEnv(port, databaseUrl, extra),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.push(child);
  child.on('exit', (code, signal) => log(`service on :${port} (pid ${child.pid}) exited: code ${code}, signal ${signal}`));
  await waitFor(`http://127.0.0.1:${port}/health/ready`, child);
  return child;
}

/** Boots bench/bare-server.ts in `mode` and waits for its /health. */
async function startBare(mode: 'bare' | 'bare-auth', port: number, tenantId: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'bench/bare-server.ts', mode, String(port)], {
    cwd: ROOT,
    env: { ...process.env, PGAPPNAME: `bench-hot-${mode}`, NODE_ENV: 'production', DATABASE_URL, REDIS_URL, JWT_SECRET, BENCH_TENANT_ID: tenantId },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  child.on('exit', (code, signal) => log(`${mode} on :${port} (pid ${child.pid}) exited: code ${code}, signal ${signal}`));
  await waitFor(`http://127.0.0.1:${port}/health`, child);
  return child;
}

/** Sends SIGTERM and waits (up to 15 s) for the exit. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(15_000)]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

async function json<T>(res: Response): Promise<T> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${res.url}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** Signs in a staff member (POST /api/v1/admin/auth/login) and returns the access token. */
async function staffToken(base: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/admin/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(OWNER) });
  return (await json<{ accessToken: string }>(res)).accessToken;
}

/** Signs in the bench tenant's admin (POST /api/v1/auth/login {tenantSlug, email, password}). */
async function tenantToken(base: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenantSlug: TENANT_SLUG, email: ADMIN.email, password: ADMIN.password }),
  });
  return (await json<{ accessToken: string }>(res)).accessToken;
}

/**
 * Seeds the bench database: migrations, the list tenants, a plan with large limits and (through
 * the running service, so every row provisioning writes exists) the bench tenant with its admin,
 * then USERS users in bulk SQL sharing one argon2 hash, with the members counter raised to match.
 * Returns the bench tenant's id.
 */
async function seedBenchTenant(base: string): Promise<string> {
  const owner = await staffToken(base);
  const res = await fetch(`${base}/api/v1/admin/tenants`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${owner}` },
    body: JSON.stringify({
      name: 'Bench Hot Paths',
      slug: TENANT_SLUG,
      contactEmail: 'ops@bench-hot.test',
      planCode: 'bench-xl',
      trialDays: 0,
      admin: ADMIN,
    }),
  });
  const created = await json<{ tenant?: { id: string }; id?: string }>(res);
  const tenantId = created.tenant?.id ?? created.id!;
  const hash = await argon2.hash(USER_PASSWORD, ARGON2);
  const db = new Client({ connectionString: DATABASE_URL });
  await db.connect();
  try {
    await db.query(
      `INSERT INTO tenant_users (id, tenant_id, email, full_name, role, password_hash, is_active, must_change_password, created_at, updated_at)
       SELECT ('00000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, $1, 'user' || i || '@bench-hot.test', 'User ' || i,
              (ARRAY['member','manager','viewer'])[1 + i % 3], $2, i % 10 <> 0, false,
              now() - ((${USERS} - i) || ' seconds')::interval, now() - ((${USERS} - i) || ' seconds')::interval
       FROM generate_series(1, $3) AS i`,
      [tenantId, hash, USERS],
    );
    await db.query(
      `UPDATE usage_counters SET value = value + (SELECT count(*) FROM tenant_users WHERE tenant_id = $1 AND is_active AND email LIKE 'user%')
       WHERE tenant_id = $1 AND metric = 'members'`,
      [tenantId],
    );
    await db.query('ANALYZE');
  } finally {
    await db.end();
  }
  return tenantId;
}

// ---------------------------------------------------------------------------------------------
// SQL capture (log_statement=all on the bench database)
// ---------------------------------------------------------------------------------------------

/** One statement read from the PostgreSQL log: backend pid, text, and bound parameters if any. */
interface LoggedStatement {
  pid: string;
  sql: string;
  parameters?: string;
}

/** The PostgreSQL server log file (stderr of the cluster: /var/log/postgresql/postgresql-<v>-main.log, or the collector's file). */
async function serverLogFile(): Promise<string | null> {
  const c = new Client({ connectionString: `${PG}/postgres` });
  await c.connect();
  try {
    const collector = (await c.query(`SELECT pg_current_logfile() AS f, current_setting('data_directory') AS d`)).rows[0] as { f: string | null; d: string };
    if (collector.f) return collector.f.startsWith('/') ? collector.f : join(collector.d, collector.f);
    const version = (await c.query(`SELECT current_setting('server_version_num')::int / 10000 AS v`)).rows[0] as { v: number };
    const debian = `/var/log/postgresql/postgresql-${version.v}-main.log`;
    return existsSync(debian) ? debian : null;
  } finally {
    await c.end();
  }
}

/** Bytes of `file` from `offset` on, as text. */
function readFrom(file: string, offset: number): string {
  const size = statSync(file).size;
  if (size <= offset) return '';
  const buf = Buffer.alloc(size - offset);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buf, 0, buf.length, offset);
  } finally {
    closeSync(fd);
  }
  return buf.toString('utf8');
}

/** Statements of database `db` in a slice of the server log (Debian prefix `%m [%p] %q%u@%d `). */
function parseLog(text: string, db: string): LoggedStatement[] {
  const out: LoggedStatement[] = [];
  let current: LoggedStatement | null = null;
  let inDetail = false;
  for (const line of text.split('\n')) {
    const head = /^\S+ \S+ \S+ \[(\d+)\] (\S+)@(\S+) (LOG|DETAIL|ERROR|STATEMENT|WARNING):\s+(.*)$/.exec(line);
    if (head) {
      const [, pid, , database, level, rest] = head;
      inDetail = false;
      if (database !== db) {
        current = null;
        continue;
      }
      if (level === 'LOG') {
        const m = /^(?:statement|execute [^:]+):\s(.*)$/.exec(rest);
        current = m ? { pid, sql: m[1] } : null;
        if (current) out.push(current);
      } else if (level === 'DETAIL' && current && rest.startsWith('parameters:')) {
        current.parameters = rest.slice('parameters: '.length);
        inDetail = true;
      } else {
        current = null;
      }
    } else if (current && line.startsWith('\t')) {
      if (inDetail) current.parameters += `\n${line.slice(1)}`;
      else current.sql += `\n${line.slice(1)}`;
    }
  }
  return out;
}

/**
 * Boots a capture instance of the service with `log_statement=all` set on the bench database
 * (ALTER DATABASE … SET; reset afterwards), sends one request per route and returns the
 * statements PostgreSQL logged for each. Returns null when the server log cannot be read.
 */
async function captureStatements(build: ServiceBuild): Promise<Record<string, LoggedStatement[]> | null> {
  const file = await serverLogFile();
  if (!file) return null;
  const admin = new Client({ connectionString: `${PG}/postgres` });
  await admin.connect();
  await admin.query(`ALTER DATABASE ${DB} SET log_statement = 'all'`);
  const base = `http://127.0.0.1:${PORTS.capture}`;
  const service = await startService(build, PORTS.capture, DATABASE_URL, { OUTBOX_RELAY_INTERVAL_MS: '3600000' });
  const out: Record<string, LoggedStatement[]> = {};
  try {
    const tenant = { authorization: `Bearer ${await tenantToken(base)}` };
    const owner = { authorization: `Bearer ${await staffToken(base)}` };
    const json_ = { 'content-type': 'application/json' };
    const requests: Record<string, [string, RequestInit]> = {
      quota: ['/api/v1/tenant/quota', { headers: tenant }],
      users: ['/api/v1/tenant/users?limit=20', { headers: tenant }],
      tenants: ['/api/v1/admin/tenants?limit=20', { headers: owner }],
      createUser: ['/api/v1/tenant/users', { method: 'POST', headers: { ...tenant, ...json_ }, body: JSON.stringify({ email: 'capture@bench-hot.test', fullName: 'Capture', role: 'member', password: USER_PASSWORD }) }],
      patchUser: [`/api/v1/tenant/users/${seededUserId(PATCH_TARGETS + 1)}`, { method: 'PATCH', headers: { ...tenant, ...json_ }, body: JSON.stringify({ fullName: 'Captured Name' }) }],
    };
    for (const [name, [path, init]] of Object.entries(requests)) {
      await sleep(300);
      const offset = statSync(file).size;
      const res = await fetch(`${base}${path}`, init);
      await res.arrayBuffer();
      await sleep(500);
      out[name] = parseLog(readFrom(file, offset), DB);
      log(`captured ${out[name].length} statements for ${name} (${res.status})`);
    }
  } finally {
    await stop(service);
    await admin.query(`ALTER DATABASE ${DB} RESET log_statement`);
    await admin.end();
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Measurements
// ---------------------------------------------------------------------------------------------

/** One autocannon run: throughput (req/s, average over the run), latency (ms) and failures. */
interface LoadResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  loadavgBefore: number[];
  loadavgAfter: number[];
}

/** Runs autocannon with `opts` for DURATION_S s; records os.loadavg() before and after. */
async function load(opts: autocannon.Options): Promise<LoadResult> {
  const before = loadavg().map(round3);
  const r = await autocannon({ duration: DURATION_S, ...opts });
  const statusCodes: Record<string, number> = {};
  for (const [k, v] of Object.entries(r.statusCodeStats ?? {})) statusCodes[k] = (v as { count: number }).count;
  return {
    rps: round1(r.requests.average),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    statusCodes,
    loadavgBefore: before,
    loadavgAfter: loadavg().map(round3),
  };
}

/** Event-loop delay histogram of the service since the previous dump, in ms (bench/eventloop-probe.cjs). */
interface EventLoopDump {
  seq: number;
  count: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Memory of the service after a full collection, as the probe reports it (MiB). */
interface MemoryAfterGc {
  gc: boolean;
  rssMiB: number;
  heapUsedMiB: number;
  heapTotalMiB: number;
  externalMiB: number;
}

/** Asks the probe inside `child` for its histogram over IPC and waits for the answer (≤ 5 s); the histogram restarts. */
function probe(child: ChildProcess): Promise<EventLoopDump | null>;
/** Asks the probe to run a full collection and report memory (≤ 5 s). */
function probe(child: ChildProcess, command: 'gc'): Promise<MemoryAfterGc | null>;
async function probe(child: ChildProcess, command: 'dump' | 'gc' = 'dump'): Promise<EventLoopDump | MemoryAfterGc | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      resolve(null);
    }, 5000);
    const onMessage = (message: { eventLoopProbe?: EventLoopDump | MemoryAfterGc }) => {
      if (!message?.eventLoopProbe || ('gc' in message.eventLoopProbe) !== (command === 'gc')) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(message.eventLoopProbe);
    };
    child.on('message', onMessage);
    child.send({ eventLoopProbe: command });
  });
}

/** VmRSS of a process in MiB (/proc/<pid>/status). */
function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? round1(Number(m[1]) / 1024) : NaN;
}

/** pg_stat_activity of the bench database sampled every 50 ms: 'idle in transaction' backends and the longest such state (ms). */
interface ActivitySummary {
  samples: number;
  idleInTxMax: number;
  idleInTxAvg: number;
  idleInTxLongestMs: number;
  activeMax: number;
  backendsMax: number;
}

/** Samples pg_stat_activity for the backends of `db` named `app` every 50 ms until the returned stop function is called. */
async function sampleActivity(db: string, app: string): Promise<() => Promise<ActivitySummary>> {
  const c = new Client({ connectionString: `${PG}/postgres` });
  await c.connect();
  const samples: { idle: number; longest: number; active: number; total: number }[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = Date.now();
      const { rows } = await c.query(
        `SELECT count(*) FILTER (WHERE state = 'idle in transaction')::int AS idle,
                coalesce(max(extract(epoch FROM now() - state_change) * 1000) FILTER (WHERE state = 'idle in transaction'), 0)::float8 AS longest,
                count(*) FILTER (WHERE state = 'active')::int AS active, count(*)::int AS total
         FROM pg_stat_activity WHERE datname = $1 AND application_name = $2`,
        [db, app],
      );
      samples.push(rows[0] as { idle: number; longest: number; active: number; total: number });
      await sleep(Math.max(0, 50 - (Date.now() - started)));
    }
  })();
  return async () => {
    running = false;
    await loop;
    await c.end();
    const n = samples.length || 1;
    return {
      samples: samples.length,
      idleInTxMax: Math.max(0, ...samples.map((s) => s.idle)),
      idleInTxAvg: round3(samples.reduce((a, s) => a + s.idle, 0) / n),
      idleInTxLongestMs: round1(Math.max(0, ...samples.map((s) => s.longest))),
      activeMax: Math.max(0, ...samples.map((s) => s.active)),
      backendsMax: Math.max(0, ...samples.map((s) => s.total)),
    };
  };
}

/** argon2 hashes per second with the service's parameters at `concurrency` parallel hashes for `seconds` s. */
async function argon2Ceiling(seconds: number, concurrency: number): Promise<{ hashesPerSecond: number; loadavgBefore: number[]; loadavgAfter: number[] }> {
  const before = loadavg().map(round3);
  const deadline = Date.now() + seconds * 1000;
  let done = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) {
        await argon2.hash(`bench-password-${done}`, ARGON2);
        done += 1;
      }
    }),
  );
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  return { hashesPerSecond: round1(done / elapsed), loadavgBefore: before, loadavgAfter: loadavg().map(round3) };
}

/** pgbench output: transactions per second without the initial connection time. */
interface PgbenchResult {
  tps: number;
  latencyAvgMs: number;
  failed: number;
  loadavgBefore: number[];
  loadavgAfter: number[];
  raw: string;
}

/** Runs pgbench with bench/pgbench-patch-user.sql, `clients` clients, 2 threads, DURATION_S s. */
function pgbench(clients: number, tenantId: string): PgbenchResult {
  const before = loadavg().map(round3);
  const r = spawnSync(
    'pgbench',
    ['-n', '-M', 'extended', '-h', '127.0.0.1', '-U', 'postgres', '-c', String(clients), '-j', '2', '-T', String(DURATION_S), '-f', 'bench/pgbench-patch-user.sql', '-D', `tenant=${tenantId}`, '-D', `targets=${PATCH_TARGETS}`, DB],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, PGOPTIONS: '-c timezone=UTC -c random_page_cost=1.1' } },
  );
  const raw = `${r.stdout}${r.stderr}`;
  const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(raw);
  const lat = /latency average = ([\d.]+) ms/.exec(raw);
  const failed = /number of failed transactions: (\d+)/.exec(raw);
  if (!tps) throw new Error(`pgbench failed: ${raw.slice(0, 800)}`);
  return { tps: round1(Number(tps[1])), latencyAvgMs: lat ? Number(lat[1]) : NaN, failed: failed ? Number(failed[1]) : 0, loadavgBefore: before, loadavgAfter: loadavg().map(round3), raw: raw.slice(-1500) };
}

// ---------------------------------------------------------------------------------------------
// Body comparison
// ---------------------------------------------------------------------------------------------

/** Fields ignored when comparing write responses: they differ between two creates/updates by nature. */
const VOLATILE_WRITE_FIELDS = ['id', 'email', 'createdAt', 'updatedAt'];

function normaliseWrite(text: string): string {
  const body = JSON.parse(text) as Record<string, unknown>;
  for (const k of VOLATILE_WRITE_FIELDS) if (k in body) body[k] = `<${k}>`;
  return JSON.stringify(body);
}

/**
 * Compares each route's response body between the service and both bare variants: GETs byte for
 * byte, writes after replacing {@link VOLATILE_WRITE_FIELDS}. @throws listing every difference.
 */
async function compareBodies(bases: Record<'service' | 'bare' | 'bareAuth', string>, tokens: { tenant: string; owner: string }): Promise<Record<string, { bytes: number; identical: boolean }>> {
  const report: Record<string, { bytes: number; identical: boolean }> = {};
  const failures: string[] = [];
  const reads: Record<string, [string, string]> = {
    quota: ['/api/v1/tenant/quota', tokens.tenant],
    users: ['/api/v1/tenant/users?limit=20', tokens.tenant],
    tenants: ['/api/v1/admin/tenants?limit=20', tokens.owner],
  };
  for (const [name, [path, token]] of Object.entries(reads)) {
    const bodies: Record<string, string> = {};
    for (const [server, base] of Object.entries(bases)) {
      const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
      bodies[server] = await res.text();
      if (res.status !== 200) failures.push(`${name} on ${server}: ${res.status} ${bodies[server].slice(0, 200)}`);
    }
    const identical = bodies.service === bodies.bare && bodies.service === bodies.bareAuth;
    if (!identical) failures.push(`${name}: bodies differ\n  service:   ${bodies.service.slice(0, 600)}\n  bare:      ${bodies.bare.slice(0, 600)}\n  bare-auth: ${bodies.bareAuth.slice(0, 600)}`);
    report[name] = { bytes: Buffer.byteLength(bodies.service), identical };
  }
  const auth = { authorization: `Bearer ${tokens.tenant}`, 'content-type': 'application/json' };
  const writes: Record<string, (server: string, i: number) => [string, RequestInit]> = {
    createUser: (server) => ['/api/v1/tenant/users', { method: 'POST', headers: auth, body: JSON.stringify({ email: `compare-${server}@bench-hot.test`, fullName: 'Compare', role: 'member', password: USER_PASSWORD }) }],
    // Users 3 apart share a role (the seed cycles member, manager, viewer).
    patchUser: (_server, i) => [`/api/v1/tenant/users/${seededUserId(PATCH_TARGETS + 10 + 3 * i)}`, { method: 'PATCH', headers: auth, body: JSON.stringify({ fullName: 'Compared Name' }) }],
  };
  for (const [name, make] of Object.entries(writes)) {
    const bodies: Record<string, string> = {};
    let i = 0;
    for (const [server, base] of Object.entries(bases)) {
      const [path, init] = make(server, (i += 1));
      const res = await fetch(`${base}${path}`, init);
      const text = await res.text();
      if (res.status >= 300) failures.push(`${name} on ${server}: ${res.status} ${text.slice(0, 300)}`);
      bodies[server] = res.status < 300 ? normaliseWrite(text) : text;
    }
    const identical = bodies.service === bodies.bare && bodies.service === bodies.bareAuth;
    if (!identical) failures.push(`${name}: bodies differ (ignoring ${VOLATILE_WRITE_FIELDS.join(', ')})\n  service:   ${bodies.service}\n  bare:      ${bodies.bare}\n  bare-auth: ${bodies.bareAuth}`);
    report[name] = { bytes: Buffer.byteLength(bodies.service), identical };
  }
  if (failures.length) throw new Error(`response bodies of the bare servers differ from the service's:\n${failures.join('\n')}`);
  return report;
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

async function pgVersion(): Promise<string> {
  const c = new Client({ connectionString: `${PG}/postgres` });
  await c.connect();
  const v = ((await c.query('SELECT version() AS v')).rows[0] as { v: string }).v;
  await c.end();
  return v;
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const results: Record<string, unknown> = {
    startedAt: startedAt.toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, totalMemGiB: round1(totalmem() / 2 ** 30) },
    node: process.version,
    postgres: await pgVersion(),
    config: { rounds: ROUNDS, durationSeconds: DURATION_S, memoryRoundSeconds: MEMORY_ROUND_S, users: USERS, tenants: TENANTS, readConnections: READ_CONNECTIONS, writeConnections: WRITE_CONNECTIONS, threadpool: THREADPOOL, argon2: { ...ARGON2, type: 'argon2id' } },
    loadavgAtStart: loadavg().map(round3),
    // What was measured: the commit and how many files under src/ differed from it (others edit the checkout).
    git: {
      head: spawnSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim(),
      uncommittedSrcFiles: spawnSync('git', ['status', '--porcelain', 'src', 'migrations'], { cwd: ROOT, encoding: 'utf8' }).stdout.split('\n').filter(Boolean).length,
    },
  };
  const outFile = join(ROOT, 'bench', 'results', `hot-paths-${startedAt.toISOString().slice(0, 10)}.json`);
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  const save = () => writeFileSync(outFile, `${JSON.stringify(results, null, 2)}\n`);
  process.on('exit', () => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));

  log(`building the service into ${BUILD_DIR}`);
  const build = await buildService();
  results.serviceBuild = { kind: build.kind, command: `node --require ./bench/eventloop-probe.cjs ${build.args.join(' ')}`, buildError: build.buildError };

  log(`recreating ${DB} and seeding ${TENANTS} list tenants`);
  const ds = await recreateDatabase(DB);
  await seedTenants(ds, TENANTS);
  await ds.query(
    `INSERT INTO plans (code, name, currency, limits, monthly_price_cents, annual_price_cents)
     VALUES ('bench-xl', 'Bench XL', 'USD', '{"members": 10000000, "orgAdmins": 100000, "projects": 100000, "domains": 100000, "automationsPerMonth": 10000000}', 0, 0)`,
  );
  await ds.destroy();
  const redis = new Redis(REDIS_URL);
  await redis.flushdb();
  await redis.quit();

  let service = await startService(build, PORTS.service, DATABASE_URL);
  const serviceBase = `http://127.0.0.1:${PORTS.service}`;
  log(`provisioning the bench tenant and ${USERS} users`);
  const tenantId = await seedBenchTenant(serviceBase);
  results.tenantId = tenantId;
  // Restart so the service's caches and pool start from the seeded state.
  await stop(service);

  log('capturing the SQL of each route (log_statement=all)');
  results.capturedStatements = (await captureStatements(build)) ?? 'server log not readable';
  save();
  if (process.env.BENCH_STEP === 'capture') {
    process.stdout.write(`${JSON.stringify(results.capturedStatements, null, 2)}\n`);
    return;
  }

  service = await startService(build, PORTS.service, DATABASE_URL);
  const bare = await startBare('bare', PORTS.bare, tenantId);
  const bareAuth = await startBare('bare-auth', PORTS.bareAuth, tenantId);
  const bases = { service: serviceBase, bare: `http://127.0.0.1:${PORTS.bare}`, bareAuth: `http://127.0.0.1:${PORTS.bareAuth}` };
  const tokens = { tenant: await tenantToken(serviceBase), owner: await staffToken(serviceBase) };
  try {
    log('comparing response bodies');
    results.bodyComparison = { ...(await compareBodies(bases, tokens)), volatileWriteFields: VOLATILE_WRITE_FIELDS };
    save();
    await runLoads(results, service, bases, tokens, tenantId, save);
  } finally {
    await Promise.all([stop(service), stop(bare), stop(bareAuth)]);
  }

  if (!SKIP.has('p3')) {
    log('P3: tenant list shapes at 10k tenants (service restarted) and at 100 tenants');
    service = await startService(build, PORTS.service, DATABASE_URL);
    const ownerToken = await staffToken(serviceBase);
    const large = await measureShapes(serviceBase, ownerToken, 20, 400);
    await stop(service);
    // The stack's own floor for the same closed-loop load: the bare servers answer the default page
    // shape with the same SQL and bytes, measured by the same 20 fetch clients on the same cores.
    const bareRef: Record<string, ShapeResult> = {};
    for (const mode of ['bare', 'bare-auth'] as const) {
      const port = mode === 'bare' ? PORTS.bare : PORTS.bareAuth;
      const child = await startBare(mode, port, results.tenantId as string);
      const base = `http://127.0.0.1:${port}`;
      await measure(base, LIST_SHAPES[0], ownerToken, 20, 100); // warm-up
      bareRef[mode] = await measure(base, LIST_SHAPES[0], ownerToken, 20, 400);
      await stop(child);
    }
    const ds100 = await recreateDatabase(DB_100);
    await seedTenants(ds100, 100);
    await ds100.destroy();
    const small100 = await startService(build, PORTS.service100, `${PG}/${DB_100}`);
    const base100 = `http://127.0.0.1:${PORTS.service100}`;
    const small = await measureShapes(base100, await staffToken(base100), 20, 400);
    await stop(small100);
    const ratio = (a: ShapeResult, b: ShapeResult) => round3(a.p95 / b.p95);
    results.p3 = {
      concurrency: 20,
      requestsPerShape: 400,
      large: { tenants: TENANTS + 1, ...large },
      bareReference: { path: LIST_SHAPES[0], ...bareRef },
      small: { tenants: 100, ...small },
      p95Ratios: large.results.map((r, i) => ({ path: r.path, ratio: ratio(r, small.results[i]) })),
      keysetRatio: typeof large.keyset === 'object' && typeof small.keyset === 'object' ? ratio(large.keyset, small.keyset) : 'not available yet',
    };
    save();
  }

  results.finishedAt = new Date().toISOString();
  results.loadavgAtEnd = loadavg().map(round3);
  save();
  process.stdout.write(`${renderTable(results)}\n\nraw results: ${outFile}\n`);
}

/** Sequences of one round: which server is loaded with what, 32 connections for reads, 16 for writes. */
async function runLoads(
  results: Record<string, unknown>,
  service: ChildProcess,
  bases: Record<'service' | 'bare' | 'bareAuth', string>,
  tokens: { tenant: string; owner: string },
  tenantId: string,
  save: () => void,
): Promise<void> {
  const tenantAuth = { authorization: `Bearer ${tokens.tenant}` };
  const ownerAuth = { authorization: `Bearer ${tokens.owner}` };
  const reads: Record<string, [string, Record<string, string>]> = {
    quota: ['/api/v1/tenant/quota', tenantAuth],
    users: ['/api/v1/tenant/users?limit=20', tenantAuth],
    tenants: ['/api/v1/admin/tenants?limit=20', ownerAuth],
  };
  const servers = ['service', 'bare', 'bareAuth'] as const;
  let created = 0;
  const createRequest = (prefix: string): autocannon.Request => ({
    method: 'POST',
    path: '/api/v1/tenant/users',
    headers: { ...tenantAuth, 'content-type': 'application/json' },
    setupRequest: (req: autocannon.Request) => {
      created += 1;
      return { ...req, body: JSON.stringify({ email: `load-${prefix}-${process.pid}-${created}@bench-hot.test`, fullName: `Load ${created}`, role: 'member', password: USER_PASSWORD }) };
    },
  });
  let patched = 0;
  const patchRequest = (): autocannon.Request => ({
    method: 'PATCH',
    path: '/api/v1/tenant/users',
    headers: { ...tenantAuth, 'content-type': 'application/json' },
    setupRequest: (req: autocannon.Request) => {
      patched += 1;
      const n = 1 + Math.floor(Math.random() * PATCH_TARGETS);
      return { ...req, path: `/api/v1/tenant/users/${seededUserId(n)}`, body: JSON.stringify({ fullName: `Patched ${patched}` }) };
    },
  });

  const raw: Record<string, unknown[]> = {};
  const push = (key: string, value: unknown) => (raw[key] ??= []).push(value);
  results.raw = raw;

  log('warm-up (2 s per case)');
  for (const [path, headers] of Object.values(reads)) for (const s of servers) await autocannon({ url: `${bases[s]}${path}`, headers, connections: READ_CONNECTIONS, duration: 2 });

  for (let round = 0; round < ROUNDS; round += 1) {
    if (!SKIP.has('p1')) {
      for (const [name, [path, headers]] of Object.entries(reads)) {
        // Alternate which server goes first from round to round.
        const order = round % 2 === 0 ? servers : ([...servers].reverse() as unknown as typeof servers);
        for (const s of order) {
          if (s === 'service') await probe(service); // reset the histogram
          const r = await load({ url: `${bases[s]}${path}`, headers, connections: READ_CONNECTIONS });
          const eventLoop = s === 'service' ? await probe(service) : undefined;
          push(`p1.${name}.${s}`, { round, ...r, eventLoop, rssMiB: s === 'service' ? rssMiB(service.pid!) : undefined });
          log(`round ${round + 1} ${name} ${s}: ${r.rps} req/s, p99 ${r.p99Ms} ms, non2xx ${r.non2xx}${eventLoop ? `, event loop p99 ${eventLoop.p99Ms} ms` : ''}`);
          await sleep(SETTLE_MS);
        }
      }
      save();
    }
    if (!SKIP.has('p2')) {
      for (const s of round % 2 === 0 ? (['service', 'bare'] as const) : (['bare', 'service'] as const)) {
        const stopSampling = await sampleActivity(DB, s === 'service' ? SERVICE_APP : 'bench-hot-bare');
        const r = await load({ url: bases[s], connections: WRITE_CONNECTIONS, requests: [createRequest(`${s}-${round}`)] });
        const activity = await stopSampling();
        push(`p2.createUser.${s}`, { round, ...r, activity });
        log(`round ${round + 1} createUser ${s}: ${r.rps} req/s, non2xx ${r.non2xx}, idle-in-tx max ${activity.idleInTxMax} longest ${activity.idleInTxLongestMs} ms`);
        await sleep(SETTLE_MS);
      }
      const ceiling = await argon2Ceiling(DURATION_S, THREADPOOL);
      push('p2.argon2Ceiling', { round, ...ceiling });
      log(`round ${round + 1} argon2 ceiling: ${ceiling.hashesPerSecond} hash/s at ${THREADPOOL}`);
      for (const s of round % 2 === 0 ? (['service', 'bare'] as const) : (['bare', 'service'] as const)) {
        const stopSampling = await sampleActivity(DB, s === 'service' ? SERVICE_APP : 'bench-hot-bare');
        const r = await load({ url: bases[s], connections: WRITE_CONNECTIONS, requests: [patchRequest()] });
        const activity = await stopSampling();
        push(`p2.patchUser.${s}`, { round, ...r, activity });
        log(`round ${round + 1} patchUser ${s}: ${r.rps} req/s, non2xx ${r.non2xx}, idle-in-tx max ${activity.idleInTxMax} longest ${activity.idleInTxLongestMs} ms`);
        await sleep(SETTLE_MS);
      }
      const pb = pgbench(WRITE_CONNECTIONS, tenantId);
      push('p2.patchUser.pgbench', { round, ...pb });
      log(`round ${round + 1} pgbench patch: ${pb.tps} tps, failed ${pb.failed}`);
      save();
    }
  }

  if (!SKIP.has('memory')) {
    const mix: autocannon.Request[] = Object.values(reads).map(([path, headers]) => ({ method: 'GET', path, headers }));
    for (let round = 0; round < 3; round += 1) {
      const r = await load({ url: bases.service, connections: READ_CONNECTIONS, duration: MEMORY_ROUND_S, requests: mix });
      const rss = rssMiB(service.pid!);
      const afterGc = await probe(service, 'gc');
      push('memory', { round, seconds: MEMORY_ROUND_S, rssMiB: rss, afterGc, ...r });
      log(`memory round ${round + 1}: RSS ${rss} MiB after ${MEMORY_ROUND_S} s (${r.rps} req/s mixed reads, non2xx ${r.non2xx}); after a full GC: RSS ${afterGc?.rssMiB} MiB, heap used ${afterGc?.heapUsedMiB} MiB`);
      save();
    }
  }
  results.summary = summarise(raw);
}

type Sample = { rps: number; p99Ms: number; non2xx: number; errors: number; eventLoop?: EventLoopDump | null; activity?: ActivitySummary; hashesPerSecond?: number; tps?: number; rssMiB?: number; afterGc?: MemoryAfterGc | null };

/** Medians of the rounds and the ratios the targets are stated in. */
function summarise(raw: Record<string, unknown[]>): Record<string, unknown> {
  const s = (key: string) => (raw[key] ?? []) as Sample[];
  const med = (key: string, f: (x: Sample) => number) => (s(key).length ? median(s(key).map(f)) : NaN);
  const out: Record<string, unknown> = {};
  for (const route of ['quota', 'users', 'tenants']) {
    const svc = med(`p1.${route}.service`, (x) => x.rps);
    const bare = med(`p1.${route}.bare`, (x) => x.rps);
    const bareAuth = med(`p1.${route}.bareAuth`, (x) => x.rps);
    out[`p1.${route}`] = {
      serviceRps: svc,
      bareRps: bare,
      bareAuthRps: bareAuth,
      ratioVsBare: round3(svc / bare),
      ratioVsBareAuth: round3(svc / bareAuth),
      target: 0.6,
      eventLoopP99Ms: med(`p1.${route}.service`, (x) => x.eventLoop?.p99Ms ?? NaN),
      eventLoopMaxMs: med(`p1.${route}.service`, (x) => x.eventLoop?.maxMs ?? NaN),
      serviceNon2xx: s(`p1.${route}.service`).reduce((a, x) => a + x.non2xx + x.errors, 0),
    };
  }
  const ceiling = med('p2.argon2Ceiling', (x) => x.hashesPerSecond ?? NaN);
  const create = med('p2.createUser.service', (x) => x.rps);
  const createActivity = s('p2.createUser.service').map((x) => x.activity!);
  out['p2.createUser'] = {
    serviceRps: create,
    bareRps: med('p2.createUser.bare', (x) => x.rps),
    argon2HashesPerSecond: ceiling,
    ratioVsCeiling: round3(create / ceiling),
    target: 0.8,
    idleInTxMax: Math.max(0, ...createActivity.map((a) => a.idleInTxMax)),
    idleInTxAvg: createActivity.length ? median(createActivity.map((a) => a.idleInTxAvg)) : NaN,
    idleInTxLongestMs: Math.max(0, ...createActivity.map((a) => a.idleInTxLongestMs)),
    serviceNon2xx: s('p2.createUser.service').reduce((a, x) => a + x.non2xx + x.errors, 0),
  };
  const patch = med('p2.patchUser.service', (x) => x.rps);
  const tps = med('p2.patchUser.pgbench', (x) => x.tps ?? NaN);
  const patchActivity = s('p2.patchUser.service').map((x) => x.activity!);
  out['p2.patchUser'] = {
    serviceRps: patch,
    bareRps: med('p2.patchUser.bare', (x) => x.rps),
    pgbenchTps: tps,
    ratioVsPgbench: round3(patch / tps),
    target: 0.4,
    idleInTxMax: Math.max(0, ...patchActivity.map((a) => a.idleInTxMax)),
    idleInTxLongestMs: Math.max(0, ...patchActivity.map((a) => a.idleInTxLongestMs)),
    serviceNon2xx: s('p2.patchUser.service').reduce((a, x) => a + x.non2xx + x.errors, 0),
  };
  const mem = s('memory').map((x) => x.rssMiB!);
  if (mem.length) {
    const mean = mem.reduce((a, b) => a + b, 0) / mem.length;
    const deviation = (xs: number[]) => {
      const avg = xs.reduce((a, b) => a + b, 0) / xs.length;
      return round3(Math.max(...xs.map((x) => Math.abs(x - avg) / avg)));
    };
    const gcRss = s('memory').map((x) => x.afterGc?.rssMiB ?? NaN);
    const gcHeap = s('memory').map((x) => x.afterGc?.heapUsedMiB ?? NaN);
    out.memory = {
      rssMiB: mem,
      maxDeviationFromMean: round3(Math.max(...mem.map((m) => Math.abs(m - mean) / mean))),
      afterGcRssMiB: gcRss,
      afterGcRssDeviation: deviation(gcRss),
      afterGcHeapUsedMiB: gcHeap,
      afterGcHeapDeviation: deviation(gcHeap),
      target: 0.1,
    };
  }
  return out;
}

/** The results as a Markdown table (what bench/README.md shows). */
function renderTable(results: Record<string, unknown>): string {
  const sum = (results.summary ?? {}) as Record<string, Record<string, number | number[] | string>>;
  const rows: string[] = ['| Target | Service | Baseline | Ratio | Target | Notes |', '|---|---:|---:|---:|---:|---|'];
  const mark = (ok: boolean) => (ok ? '✔' : '✘');
  const labels: Record<string, string> = { quota: '`GET /tenant/quota`', users: '`GET /tenant/users?limit=20`', tenants: '`GET /admin/tenants?limit=20`' };
  for (const route of ['quota', 'users', 'tenants']) {
    const r = sum[`p1.${route}`];
    if (!r) continue;
    rows.push(`| P1 ${labels[route]} | ${r.serviceRps} req/s | bare ${r.bareRps} | **${r.ratioVsBare}** ${mark(Number(r.ratioVsBare) >= 0.6)} | ≥ 0.6 | vs bare-auth ${r.bareAuthRps} req/s: ${r.ratioVsBareAuth}; event loop p99 ${r.eventLoopP99Ms} ms ${mark(Number(r.eventLoopP99Ms) <= 50)} (P9 ≤ 50); non-2xx ${r.serviceNon2xx} |`);
  }
  const c = sum['p2.createUser'];
  if (c) rows.push(`| P2 \`POST /tenant/users\` | ${c.serviceRps} req/s | argon2 ${c.argon2HashesPerSecond} hash/s | **${c.ratioVsCeiling}** ${mark(Number(c.ratioVsCeiling) >= 0.8)} | ≥ 0.8 | bare ${c.bareRps} req/s; idle in transaction max ${c.idleInTxMax}, avg ${c.idleInTxAvg}, longest ${c.idleInTxLongestMs} ms; non-2xx ${c.serviceNon2xx} |`);
  const p = sum['p2.patchUser'];
  if (p) rows.push(`| P2 \`PATCH /tenant/users/:id\` | ${p.serviceRps} req/s | pgbench ${p.pgbenchTps} tps | **${p.ratioVsPgbench}** ${mark(Number(p.ratioVsPgbench) >= 0.4)} | ≥ 0.4 | bare ${p.bareRps} req/s; idle in transaction max ${p.idleInTxMax}, longest ${p.idleInTxLongestMs} ms; non-2xx ${p.serviceNon2xx} |`);
  const m = sum.memory;
  if (m) {
    rows.push(`| Memory (RSS after each ${MEMORY_ROUND_S} s round) | ${(m.rssMiB as number[]).join(' / ')} MiB | — | ±${round1(Number(m.maxDeviationFromMean) * 100)} % ${mark(Number(m.maxDeviationFromMean) <= 0.1)} | ±10 % | mixed reads, 32 connections |`);
    rows.push(`| Memory (RSS after a full GC, each round) | ${(m.afterGcRssMiB as number[]).join(' / ')} MiB | — | ±${round1(Number(m.afterGcRssDeviation) * 100)} % ${mark(Number(m.afterGcRssDeviation) <= 0.1)} | ±10 % | heap used ${(m.afterGcHeapUsedMiB as number[]).join(' / ')} MiB (±${round1(Number(m.afterGcHeapDeviation) * 100)} %) |`);
  }
  const p3 = results.p3 as { large: { results: ShapeResult[]; keyset: ShapeResult | string }; small: { results: ShapeResult[] }; p95Ratios: { ratio: number }[]; keysetRatio: number | string } | undefined;
  if (p3) {
    rows.push('', '| P3 page shape (20 clients) | p50 10k | p95 10k | p95 100 | p95 ratio | errors |', '|---|---:|---:|---:|---:|---:|');
    p3.large.results.forEach((r, i) =>
      rows.push(`| \`${r.path.replace('/api/v1/admin/tenants', '')}\` | ${r.p50} ms | **${r.p95}** ms ${mark(r.p95 <= 50)} | ${p3.small.results[i].p95} ms | ${p3.p95Ratios[i].ratio} ${mark(p3.p95Ratios[i].ratio <= 1.5)} | ${r.errors} |`),
    );
    rows.push(`| deep keyset page (100 rows) | ${typeof p3.large.keyset === 'object' ? `${p3.large.keyset.p50} ms | ${p3.large.keyset.p95} ms` : `${p3.large.keyset} |`} | | ${p3.keysetRatio} | |`);
    const ref = (results.p3 as { bareReference?: Record<string, ShapeResult | string> }).bareReference;
    for (const mode of ['bare', 'bare-auth']) {
      const r = ref?.[mode];
      if (r && typeof r === 'object') rows.push(`| ${mode} server, \`?limit=20\` (reference) | ${r.p50} ms | ${r.p95} ms | | | ${r.errors} |`);
    }
  }
  return rows.join('\n');
}

if (require.main === module) {
  main().catch((err: Error) => {
    process.stderr.write(`hot-paths: ${err.stack ?? err.message}\n`);
    children.forEach((c) => c.exitCode === null && c.kill('SIGKILL'));
    process.exit(1);
  });
}
