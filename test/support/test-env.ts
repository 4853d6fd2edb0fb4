/**
 * Environment of the test run. The test database name must contain "test" (scripts/test-db.ts
 * refuses any other); Redis uses its own logical database.
 *
 * The e2e suite runs in {@link E2E_WORKERS} Jest workers, each on its own PostgreSQL database and
 * Redis logical database, so files never see each other's rows, queues or locks: worker 1 uses the
 * base names (what `--runInBand` and a single file use), worker N > 1 the database `<base>_w<N>`
 * and the Redis database base + N − 1. scripts/test-db.ts creates all of them.
 */

/** How many e2e workers (and so test databases) there are; `E2E_WORKERS` overrides. */
export const E2E_WORKERS = Math.max(1, Number(process.env.E2E_WORKERS ?? 2) || 1);

const BASE_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/control_plane_test';
const BASE_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/1';

/** The database and Redis URLs of e2e worker `worker` (1-based). */
export function workerUrls(worker: number): { databaseUrl: string; redisUrl: string } {
  const db = new URL(BASE_DATABASE_URL);
  if (worker > 1) db.pathname = `${db.pathname.replace(/\/$/, '')}_w${worker}`;
  const redis = new URL(BASE_REDIS_URL);
  const base = Number(redis.pathname.replace('/', '') || '0');
  redis.pathname = `/${base + worker - 1}`;
  return { databaseUrl: db.toString(), redisUrl: redis.toString() };
}

const own = workerUrls(Number(process.env.JEST_WORKER_ID ?? 1) || 1);

export const TEST_ENV: Record<string, string> = {
  NODE_ENV: 'test',
  DATABASE_URL: own.databaseUrl,
  REDIS_URL: own.redisUrl,
  MIGRATIONS_RUN: 'false',
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  AUTH_RATE_LIMIT_PER_MINUTE: '100000',
  OUTBOX_RELAY_INTERVAL_MS: '2000',
  BOOTSTRAP_OWNER_EMAIL: 'owner@example.com',
  BOOTSTRAP_OWNER_PASSWORD: 'change-me-owner-password',
};
