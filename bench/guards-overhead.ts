/**
 * Throughput of a trivial handler with and without the global pipeline (guards + validation +
 * audit interceptor + problem filter). Target (README of bench/): the pipeline costs ≤ 25 % of the
 * bare handler's throughput on reads. Writes are reported too: they add a transaction and an
 * audit INSERT by design.
 *
 * Run: `node -r @swc-node/register bench/guards-overhead.ts` (PostgreSQL + Redis up; uses
 * DATABASE_URL/REDIS_URL or the development defaults).
 */
import autocannon from 'autocannon';
import { ChildProcess, spawn } from 'node:child_process';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);

function start(mode: 'bare' | 'full', port: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'bench/bench-app.ts', mode, String(port)], {
      env: { ...process.env, LOG_LEVEL: 'silent', AUTH_RATE_LIMIT_PER_MINUTE: '10000000' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve(child));
    child.on('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
}

async function load(url: string, opts: Partial<autocannon.Options> = {}): Promise<{ rps: number; p50: number; p99: number; non2xx: number }> {
  const r = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, ...opts });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx };
}

async function token(base: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/admin/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: process.env.BOOTSTRAP_OWNER_EMAIL ?? 'owner@example.com', password: process.env.BOOTSTRAP_OWNER_PASSWORD ?? 'change-me-owner-password' }),
  });
  return ((await res.json()) as { accessToken: string }).accessToken;
}

async function main(): Promise<void> {
  const results: Record<string, unknown> = {};
  const bare = await start('bare', 3901);
  try {
    await load('http://127.0.0.1:3901/api/v1/bench/ping', { duration: 2 }); // warm-up
    results.bareRead = await load('http://127.0.0.1:3901/api/v1/bench/ping');
    results.bareWrite = await load('http://127.0.0.1:3901/api/v1/bench/echo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"x"}' });
    results.bareDbWrite = await load('http://127.0.0.1:3901/api/v1/bench/write', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"x"}' });
  } finally {
    bare.kill('SIGTERM');
  }
  const full = await start('full', 3902);
  try {
    const auth = { authorization: `Bearer ${await token('http://127.0.0.1:3902')}` };
    await load('http://127.0.0.1:3902/api/v1/bench/ping', { duration: 2, headers: auth });
    results.fullRead = await load('http://127.0.0.1:3902/api/v1/bench/ping', { headers: auth });
    results.fullWrite = await load('http://127.0.0.1:3902/api/v1/bench/echo', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"name":"x"}' });
    results.fullDbWrite = await load('http://127.0.0.1:3902/api/v1/bench/write', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"name":"x"}' });
  } finally {
    full.kill('SIGTERM');
  }
  const r = results as Record<string, { rps: number }>;
  const readCost = 1 - r.fullRead.rps / r.bareRead.rps;
  const writeCost = 1 - r.fullWrite.rps / r.bareWrite.rps;
  const dbWriteCost = 1 - r.fullDbWrite.rps / r.bareDbWrite.rps;
  process.stdout.write(`${JSON.stringify({ durationSeconds: DURATION_S, connections: CONNECTIONS, ...results, readPipelineCost: Number(readCost.toFixed(3)), writePipelineCost: Number(writeCost.toFixed(3)), dbWritePipelineCost: Number(dbWriteCost.toFixed(3)) }, null, 2)}\n`);
}

void main();
