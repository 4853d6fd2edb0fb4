import { createServer, connect, Server, Socket } from 'node:net';
import { createTestApp, expectProblem, loginStaff, OWNER, TestApp } from '../../support/app';
import { TEST_ENV } from '../../support/test-env';

/**
 * A TCP forwarder in front of PostgreSQL or Redis that a test can cut: `cut()` drops every
 * connection and refuses new ones, `restore()` forwards again.
 */
class Forwarder {
  private readonly sockets = new Set<Socket>();
  private open = true;
  private server!: Server;
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<void> {
    this.server = createServer((client) => {
      if (!this.open) return client.destroy();
      const upstream = connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  cut(): void {
    this.open = false;
    for (const s of this.sockets) s.destroy();
  }

  restore(): void {
    this.open = true;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const redisTarget = new URL(TEST_ENV.REDIS_URL);
const pgTarget = new URL(TEST_ENV.DATABASE_URL);

describe('a PostgreSQL or Redis failure is a 503 problem, never a 401 that signs everyone out', () => {
  const redis = new Forwarder({ host: redisTarget.hostname, port: Number(redisTarget.port || 6379) });
  const pg = new Forwarder({ host: pgTarget.hostname, port: Number(pgTarget.port || 5432) });
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    await redis.start();
    await pg.start();
    const redisUrl = new URL(TEST_ENV.REDIS_URL);
    redisUrl.port = String(redis.port);
    const dbUrl = new URL(TEST_ENV.DATABASE_URL);
    dbUrl.port = String(pg.port);
    t = await createTestApp({ REDIS_URL: redisUrl.toString(), DATABASE_URL: dbUrl.toString() });
    token = (await loginStaff(t)).accessToken;
  }, 15_000);
  afterAll(async () => {
    redis.restore();
    pg.restore();
    await t.close().catch(() => undefined);
    await redis.stop();
    await pg.stop();
  }, 15_000);

  it('Redis down: an authenticated request answers 503 dependency_unavailable with Retry-After, then works again', async () => {
    redis.cut();
    const res = await t.as(token).GET('/api/v1/auth/me');
    await expectProblem(res, 503, 'dependency_unavailable');
    expect(res.response.headers.get('retry-after')).toBe('5');

    redis.restore();
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await t.as(token).GET('/api/v1/auth/me')).response.status;
    }
    // The same token works once Redis is back: nobody was signed out.
    expect(status).toBe(200);
  }, 20_000);

  it('Redis down: sign-in answers 503, not 500', async () => {
    redis.cut();
    const res = await t.api.POST('/api/v1/admin/auth/login', { body: OWNER });
    await expectProblem(res, 503, 'dependency_unavailable');
    redis.restore();
  }, 20_000);

  it('PostgreSQL down: a read answers 503 dependency_unavailable', async () => {
    // Wait until Redis is usable again after the previous test.
    for (let i = 0; i < 50 && (await t.as(token).GET('/api/v1/auth/me')).response.status !== 200; i += 1) await new Promise((r) => setTimeout(r, 100));
    pg.cut();
    const res = await t.as(token).GET('/api/v1/admin/staff');
    await expectProblem(res, 503, 'dependency_unavailable');
    expect(res.response.headers.get('retry-after')).toBe('5');
    pg.restore();
  }, 20_000);
});
