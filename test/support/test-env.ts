/**
 * Environment of the test run. The test database name must contain "test" (scripts/test-db.ts
 * refuses any other); Redis uses its own logical database.
 */
export const TEST_ENV: Record<string, string> = {
  NODE_ENV: 'test',
  DATABASE_URL: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/control_plane_test',
  REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/1',
  MIGRATIONS_RUN: 'false',
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  AUTH_RATE_LIMIT_PER_MINUTE: '100000',
  OUTBOX_RELAY_INTERVAL_MS: '2000',
  BOOTSTRAP_OWNER_EMAIL: 'owner@example.com',
  BOOTSTRAP_OWNER_PASSWORD: 'change-me-owner-password',
};
