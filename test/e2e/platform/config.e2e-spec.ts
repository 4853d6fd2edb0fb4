import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Starts the real entry point (src/main.ts through @swc-node/register) with `env` merged over the
 * test environment; `unset` removes variables. Kills it after 30 s so a boot that does not fail
 * cannot hang the suite (that case then fails on the exit code).
 */
function runMain(env: Record<string, string>, unset: string[] = [], onSpawn?: (child: ReturnType<typeof spawn>) => void): Promise<Exit> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const k of unset) delete childEnv[k];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    onSpawn?.(child);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Asserts a non-zero exit with exactly one stderr line naming `variable` and no stack trace. */
function expectConfigExit(exit: Exit, variable: string, reason?: RegExp): void {
  expect(exit.signal).toBeNull();
  expect(exit.code).not.toBe(0);
  expect(exit.code).not.toBeNull();
  const lines = exit.stderr.split('\n').filter((l) => l.trim() !== '');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(variable);
  if (reason) expect(lines[0]).toMatch(reason);
  expect(exit.stderr).not.toMatch(/^\s+at /m);
  expect(exit.stdout).not.toMatch(/^\s+at /m);
  // It stopped before Nest booted: nothing was served or logged.
  expect(exit.stdout).not.toMatch(/listening/);
}

describe('configuration is validated at boot (bad env exits naming the variable)', () => {
  jest.setTimeout(60_000);

  it('PORT=abc', async () => {
    expectConfigExit(await runMain({ PORT: 'abc' }), 'PORT');
  });

  it('PORT out of range', async () => {
    expectConfigExit(await runMain({ PORT: '70000' }), 'PORT');
  });

  it('NODE_ENV=production without JWT_SECRET', async () => {
    expectConfigExit(await runMain({ NODE_ENV: 'production' }, ['JWT_SECRET']), 'JWT_SECRET', /required/);
  });

  it('NODE_ENV=production with a JWT_SECRET shorter than 32 characters', async () => {
    expectConfigExit(await runMain({ NODE_ENV: 'production', JWT_SECRET: 'too-short-secret' }), 'JWT_SECRET', /32/);
  });

  it('NODE_ENV=production with only one of the bootstrap owner pair', async () => {
    expectConfigExit(
      await runMain({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), PAYMENT_GATEWAY: 'manual', BOOTSTRAP_OWNER_EMAIL: 'boss@example.com' }, ['BOOTSTRAP_OWNER_PASSWORD']),
      'BOOTSTRAP_OWNER_PASSWORD',
    );
  });

  it('NODE_ENV=production without PAYMENT_GATEWAY (no silent sandbox in production), or with an unknown one', async () => {
    expectConfigExit(await runMain({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) }), 'PAYMENT_GATEWAY', /required/);
    expectConfigExit(await runMain({ PAYMENT_GATEWAY: 'stripe-live' }), 'PAYMENT_GATEWAY');
  });

  it('DATABASE_URL that is not a postgres URL', async () => {
    expectConfigExit(await runMain({ DATABASE_URL: 'mysql://root@127.0.0.1/app' }), 'DATABASE_URL', /postgres/);
  });

  it('REDIS_URL that is not a redis URL', async () => {
    expectConfigExit(await runMain({ REDIS_URL: 'http://127.0.0.1:6379' }), 'REDIS_URL', /redis/);
  });

  it('an unreachable Redis ends boot within the bound with one line naming REDIS_URL and its address', async () => {
    const started = Date.now();
    const exit = await runMain({ REDIS_URL: 'redis://127.0.0.1:1/1' });
    expectConfigExit(exit, 'REDIS_URL', /Redis at REDIS_URL \(127\.0\.0\.1:1\) is unreachable: .*ECONNREFUSED/);
    // Well inside runMain's 30 s kill: it gave up by itself (the bound is 5 s per dependency).
    expect(Date.now() - started).toBeLessThan(25_000);
  });

  it('an unreachable PostgreSQL says so, naming DATABASE_URL and host:port', async () => {
    const exit = await runMain({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/control_plane_test' });
    expectConfigExit(exit, 'DATABASE_URL', /PostgreSQL at DATABASE_URL \(127\.0\.0\.1:1\) is unreachable: .*ECONNREFUSED/);
  });

  it('BOOTSTRAP_OWNER_PASSWORD shorter than 12 characters', async () => {
    expectConfigExit(await runMain({ BOOTSTRAP_OWNER_PASSWORD: 'short' }), 'BOOTSTRAP_OWNER_PASSWORD', /12/);
  });

  it('JWT_ACCESS_TTL_SECONDS that is not a number', async () => {
    expectConfigExit(await runMain({ JWT_ACCESS_TTL_SECONDS: 'fifteen-minutes' }), 'JWT_ACCESS_TTL_SECONDS');
  });

  it('MIGRATIONS_RUN that is not a boolean', async () => {
    expectConfigExit(await runMain({ MIGRATIONS_RUN: 'maybe' }), 'MIGRATIONS_RUN');
  });

  it('LOG_LEVEL that is not a pino level', async () => {
    expectConfigExit(await runMain({ LOG_LEVEL: 'loud' }), 'LOG_LEVEL');
  });

  it('a valid environment boots and serves, then stops on SIGTERM (control for the cases above)', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = server.address() as { port: number };
        server.close(() => resolve(p));
      });
    });
    let live = 0;
    const exit = await runMain({ PORT: String(port) }, [], (child) => {
      void (async () => {
        for (let i = 0; i < 200 && live !== 200; i++) {
          live = await fetch(`http://127.0.0.1:${port}/health/live`).then((r) => r.status, () => 0);
          if (live !== 200) await new Promise((r) => setTimeout(r, 100));
        }
        child.kill('SIGTERM');
      })();
    });
    expect(live).toBe(200);
    // Nest's shutdown hooks close the app, then re-raise the signal: a clean stop ends by SIGTERM (or 0).
    expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
    expect(exit.stderr).toBe('');
  });
});
