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

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Both servers run side by side (only one is loaded at a time); each round measures every case on
 * both, alternating, and the report gives the median of the rounds, which tames the ±15-point
 * swings a single run shows on this shared 2-core machine.
 */
async function main(): Promise<void> {
  const bare = await start('bare', 3901);
  const full = await start('full', 3902);
  try {
    const auth = { authorization: `Bearer ${await token('http://127.0.0.1:3902')}` };
    const json = { 'content-type': 'application/json' };
    const cases: Record<string, [string, Partial<autocannon.Options>]> = {
      bareRead: ['http://127.0.0.1:3901/api/v1/bench/ping', {}],
      fullRead: ['http://127.0.0.1:3902/api/v1/bench/ping', { headers: auth }],
      bareWrite: ['http://127.0.0.1:3901/api/v1/bench/echo', { method: 'POST', headers: json, body: '{"name":"x"}' }],
      fullWrite: ['http://127.0.0.1:3902/api/v1/bench/echo', { method: 'POST', headers: { ...auth, ...json }, body: '{"name":"x"}' }],
      bareDbWrite: ['http://127.0.0.1:3901/api/v1/bench/write', { method: 'POST', headers: json, body: '{"name":"x"}' }],
      fullDbWrite: ['http://127.0.0.1:3902/api/v1/bench/write', { method: 'POST', headers: { ...auth, ...json }, body: '{"name":"x"}' }],
    };
    for (const [url, opts] of Object.values(cases)) await load(url, { ...opts, duration: 2 }); // warm-up
    const samples: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const [name, [url, opts]] of Object.entries(cases)) {
        const r = await load(url, opts);
        if (r.non2xx) throw new Error(`${name}: ${r.non2xx} non-2xx responses`);
        samples[name].push(r.rps);
      }
    }
    const rps = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, Math.round(median(v))]));
    const cost = (a: string, b: string) => Number((1 - rps[b] / rps[a]).toFixed(3));
    process.stdout.write(
      `${JSON.stringify(
        {
          durationSeconds: DURATION_S,
          connections: CONNECTIONS,
          rounds: ROUNDS,
          medianRps: rps,
          samples,
          readPipelineCost: cost('bareRead', 'fullRead'),
          writePipelineCost: cost('bareWrite', 'fullWrite'),
          dbWritePipelineCost: cost('bareDbWrite', 'fullDbWrite'),
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    bare.kill('SIGTERM');
    full.kill('SIGTERM');
  }
}

void main();
