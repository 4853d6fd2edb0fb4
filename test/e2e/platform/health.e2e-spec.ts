import { execFileSync } from 'node:child_process';
import { connect, createServer, Server, Socket } from 'node:net';
import { TEST_ENV } from '../../support/test-env';
import { createTestApp, expectProblem, rawFetch, TestApp } from '../../support/app';

/** A free TCP port on loopback (bound then released). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function startRedis(port: number): void {
  execFileSync('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'yes']);
  // Wait until it answers (redis-server --daemonize returns before the socket is ready).
  for (let i = 0; i < 50; i++) {
    try {
      if (execFileSync('redis-cli', ['-p', String(port), 'ping']).toString().trim() === 'PONG') return;
    } catch {
      /* not up yet */
    }
    execFileSync('sleep', ['0.1']);
  }
  throw new Error(`throwaway redis on :${port} did not start`);
}

function stopRedis(port: number): void {
  try {
    execFileSync('redis-cli', ['-p', String(port), 'shutdown', 'nosave'], { stdio: 'ignore' });
  } catch {
    /* already down: redis-cli exits non-zero when the connection drops */
  }
}

describe('health probes (PostgreSQL and Redis up)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('GET /health/live answers 200 without a token and outside /api/v1', async () => {
    const { data, response } = await t.api.GET('/health/live');
    expect(response.status).toBe(200);
    expect(data).toEqual({ status: 'ok' });
    expect((await rawFetch(t, '/api/v1/health/live')).status).toBe(404);
  });

  it('GET /health/ready answers 200 naming postgres and redis as up', async () => {
    const { data, response } = await t.api.GET('/health/ready');
    expect(response.status).toBe(200);
    expect(data?.status).toBe('ok');
    expect(data?.details.postgres.status).toBe('up');
    expect(data?.details.redis.status).toBe('up');
    expect(data?.error).toEqual({});
  });

  it('sends helmet security headers and an X-Request-Id on every response', async () => {
    const res = await rawFetch(t, '/health/live');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('sends a CSP that does not upgrade assets to https, so Swagger UI works over plain HTTP by IP', async () => {
    const res = await rawFetch(t, '/health/live');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).not.toContain('upgrade-insecure-requests');
  });
});

describe('readiness when Redis goes down', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    startRedis(port);
    t = await createTestApp({ REDIS_URL: `redis://127.0.0.1:${port}/0` });
  });

  afterAll(async () => {
    // Bring the throwaway Redis back so Bull and ioredis can close cleanly, then stop it for good.
    startRedis(port);
    await t.close();
    stopRedis(port);
  });

  it('answers 200 while the throwaway Redis is up, 503 naming redis once it stops, 200 again after it restarts', async () => {
    expect((await t.api.GET('/health/ready')).response.status).toBe(200);

    stopRedis(port);
    const down = await rawFetch(t, '/health/ready');
    const problem = await expectProblem(down, 503, 'not_ready');
    expect(problem.detail).toMatch(/redis/);
    expect(problem.detail).not.toMatch(/postgres/);
    expect(problem.failing).toEqual(['redis']);
    // Only statuses go out: the probe is public, driver messages (host:port) stay in the logs.
    expect(problem.components).toEqual({ redis: { status: 'down' }, postgres: { status: 'up' } });
    // Liveness does not depend on Redis.
    expect((await rawFetch(t, '/health/live')).status).toBe(200);

    startRedis(port);
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await rawFetch(t, '/health/ready')).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
  });
});

/**
 * A TCP relay in front of the test PostgreSQL, so a test can take "the database" away from one
 * app (close the listener, cut every connection) without touching the shared server.
 */
class PostgresRelay {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  start(): Promise<void> {
    if (this.server?.listening) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const server = createServer((client) => {
        const upstream = connect(this.target.port, this.target.host);
        for (const s of [client, upstream]) {
          this.sockets.add(s);
          s.on('error', () => {
            client.destroy();
            upstream.destroy();
          });
          s.on('close', () => this.sockets.delete(s));
        }
        client.pipe(upstream).pipe(client);
      });
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
      this.server = server;
    });
  }

  stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = null;
    return new Promise((resolve) => (server?.listening ? server.close(() => resolve()) : resolve()));
  }
}

describe('readiness when PostgreSQL goes down', () => {
  let t: TestApp;
  let relay: PostgresRelay;

  beforeAll(async () => {
    const db = new URL(TEST_ENV.DATABASE_URL);
    relay = new PostgresRelay(await freePort(), { host: db.hostname, port: Number(db.port || 5432) });
    await relay.start();
    db.hostname = '127.0.0.1';
    db.port = String(relay.port);
    t = await createTestApp({ DATABASE_URL: db.toString() });
  });

  afterAll(async () => {
    await relay.start();
    await t.close();
    await relay.stop();
  });

  it('answers 503 naming postgres (not redis) while the database is unreachable, 200 once it is back', async () => {
    expect((await t.api.GET('/health/ready')).response.status).toBe(200);

    await relay.stop();
    const problem = await expectProblem(await rawFetch(t, '/health/ready'), 503, 'not_ready');
    expect(problem.detail).toMatch(/postgres/);
    expect(problem.detail).not.toMatch(/redis/);
    expect(problem.failing).toEqual(['postgres']);
    // Only statuses go out: the probe is public, driver messages (host:port, user) stay in the logs.
    expect(problem.components).toEqual({ postgres: { status: 'down' }, redis: { status: 'up' } });
    expect(JSON.stringify(problem)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|password/);

    await relay.start();
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await rawFetch(t, '/health/ready')).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
  });
});
