import type { INestApplication } from '@nestjs/common';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config';
import { isDependencyFailure } from '../common/errors/dependency-failure';
import { ensureDatabase } from './ensure-database';
import { buildDataSourceOptions, ENTITY_GLOB } from './typeorm-options';

/** How long boot waits for PostgreSQL or Redis before it gives up, in ms. */
export const BOOT_DEPENDENCY_TIMEOUT_MS = 5000;

/** A dependency the service cannot start without; its message is the one line boot prints. */
export class BootDependencyError extends Error {}

/** What boot found and did, for the development summary. */
export interface PreflightReport {
  database: { name: string; address: string; created: boolean };
  redis: { address: string };
  migrations: { applied: number; total: number } | null;
  /** Staff members before Nest booted; null when the table did not exist yet. */
  staffBefore: number | null;
}

/** `host:port` of a URL, never its credentials. */
function addressOf(url: string, defaultPort: number): string {
  const u = new URL(url);
  return `${u.hostname || 'localhost'}:${u.port || defaultPort}`;
}

function reasonOf(err: unknown): string {
  const e = err as { code?: string; message?: string; errors?: { message?: string }[] };
  return e.message || e.errors?.[0]?.message || e.code || String(err);
}

/**
 * Checks PostgreSQL and Redis before Nest boots, within {@link BOOT_DEPENDENCY_TIMEOUT_MS} each,
 * so an unreachable dependency ends boot with one line naming its variable instead of hanging
 * with a flood of reconnect traces. Outside production it creates the database when missing.
 * With MIGRATIONS_RUN it applies pending migrations here (counted for the summary); Nest's own
 * run then finds none. @throws BootDependencyError naming DATABASE_URL or REDIS_URL.
 */
export async function preflight(config: Pick<AppConfig, 'databaseUrl' | 'redisUrl' | 'nodeEnv' | 'migrationsRun'>): Promise<PreflightReport> {
  const dbAddress = addressOf(config.databaseUrl, 5432);
  const name = decodeURIComponent(new URL(config.databaseUrl).pathname.replace(/^\//, ''));
  const unreachable = (err: unknown) =>
    new BootDependencyError(`PostgreSQL at DATABASE_URL (${dbAddress}) is unreachable: ${reasonOf(err)}`);

  let created = false;
  if (config.nodeEnv !== 'production') {
    try {
      created = await ensureDatabase(config.databaseUrl, BOOT_DEPENDENCY_TIMEOUT_MS);
    } catch (err) {
      // Only a failed connection is "unreachable"; anything else (a refused CREATE DATABASE) as it is.
      throw isDependencyFailure(err) ? unreachable(err) : err;
    }
  }

  // The entities let TypeORM install the extensions their columns need (uuid-ossp) before migrating.
  const ds = new DataSource(buildDataSourceOptions(config.databaseUrl, { entities: [ENTITY_GLOB], extra: { max: 1, connectionTimeoutMillis: BOOT_DEPENDENCY_TIMEOUT_MS } }));
  try {
    await ds.initialize();
  } catch (err) {
    throw unreachable(err);
  }
  let migrations: PreflightReport['migrations'] = null;
  let staffBefore: number | null = null;
  try {
    if (config.migrationsRun) {
      const applied = await ds.runMigrations({ transaction: 'each' });
      migrations = { applied: applied.length, total: ds.migrations.length };
    }
    const [exists]: { t: string | null }[] = await ds.query(`SELECT to_regclass('public.staff_members')::text AS t`);
    if (exists?.t) staffBefore = Number(((await ds.query(`SELECT count(*)::int AS n FROM staff_members`)) as { n: number }[])[0].n);
  } finally {
    await ds.destroy();
  }

  const redisAddress = addressOf(config.redisUrl, 6379);
  const redis = new Redis(config.redisUrl, {
    lazyConnect: true,
    connectTimeout: BOOT_DEPENDENCY_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  let socketError: unknown;
  redis.on('error', (err) => (socketError ??= err));
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new BootDependencyError(`Redis at REDIS_URL (${redisAddress}) is unreachable: ${reasonOf(socketError ?? err)}`);
  } finally {
    redis.disconnect();
  }

  return { database: { name, address: dbAddress, created }, redis: { address: redisAddress }, migrations, staffBefore };
}

/** Staff members now, read through the booted app's pool (the "owner created" line of the summary). */
export async function staffCount(app: INestApplication): Promise<number> {
  return Number(((await app.get(DataSource).query(`SELECT count(*)::int AS n FROM staff_members`)) as { n: number }[])[0].n);
}
