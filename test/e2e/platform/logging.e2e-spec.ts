import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { OWNER } from '../../support/app';

const ROOT = join(__dirname, '..', '..', '..');

/** A free TCP port on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The real entry point at `level`, with its stdout collected; resolves once it is ready. */
async function boot(level: string): Promise<{ child: ChildProcess; port: number; lines: () => Record<string, unknown>[] }> {
  const port = await freePort();
  let stdout = '';
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), LOG_LEVEL: level },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.status === 200, () => false);
    if (ok) break;
    if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}; stdout: ${stdout}`);
    if (Date.now() > deadline) throw new Error(`service did not become ready; stdout: ${stdout}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const lines = () =>
    stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { child, port, lines };
}

/** Signs in with the owner's password and calls /auth/me with a bearer token; returns the request ids. */
async function traffic(port: number): Promise<{ loginId: string; meId: string; token: string }> {
  const login = await fetch(`http://127.0.0.1:${port}/api/v1/admin/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: OWNER.email, password: OWNER.password }),
  });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const me = await fetch(`http://127.0.0.1:${port}/api/v1/auth/me`, { headers: { authorization: `Bearer ${accessToken}`, cookie: 'sid=secret-cookie' } });
  expect(me.status).toBe(200);
  return { loginId: login.headers.get('x-request-id')!, meId: me.headers.get('x-request-id')!, token: accessToken };
}

/**
 * Logs (CONVENTIONS: JSON lines, no secrets): at `info` one access line per request with the
 * request id the client got back and the credentials redacted; at `warn` no access log at all (no
 * per-request logger work on the hot path); health probes are never logged.
 */
describe('logging', () => {
  jest.setTimeout(60_000);
  const children: ChildProcess[] = [];
  afterAll(() => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));

  it('at info: one access line per request, carrying its X-Request-Id, with Authorization and Cookie redacted and no secret anywhere', async () => {
    const svc = await boot('info');
    children.push(svc.child);
    const { loginId, meId, token } = await traffic(svc.port);
    await new Promise((r) => setTimeout(r, 300));
    const access = svc.lines().filter((l) => l.req && l.res);
    expect(access.map((l) => l.requestId)).toEqual([loginId, meId]);
    const me = access[1] as { req: { headers: Record<string, string> }; res: { statusCode: number } };
    expect(me.req.headers.authorization).toBe('[REDACTED]');
    expect(me.req.headers.cookie).toBe('[REDACTED]');
    expect(me.res.statusCode).toBe(200);
    const everything = svc.lines().map((l) => JSON.stringify(l)).join('\n');
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(OWNER.password);
    expect(everything).not.toContain('secret-cookie');
    // The readiness probes polled while booting are not logged.
    expect(access.filter((l) => String((l.req as { url: string }).url).startsWith('/health'))).toEqual([]);
  });

  it('at warn: no access line at all', async () => {
    const svc = await boot('warn');
    children.push(svc.child);
    await traffic(svc.port);
    await new Promise((r) => setTimeout(r, 300));
    expect(svc.lines().filter((l) => l.req || l.res)).toEqual([]);
  });
});
