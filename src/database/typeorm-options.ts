import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { SnakeNamingStrategy } from 'typeorm-naming-strategies';

/** Root of the source tree (src/ under ts, dist/src/ once built). */
const SRC_ROOT = join(__dirname, '..');

/** Glob of every entity file; used by the CLI data source and migration tooling. */
export const ENTITY_GLOB = join(SRC_ROOT, '**', '*.entity.{ts,js}');
/** Glob of migration files (migrations/ at the repository top level). */
export const MIGRATION_GLOB = join(SRC_ROOT, '..', 'migrations', '*.{ts,js}');

/**
 * Session backstops of the service's own connections (PostgreSQL runtime settings, in ms): a
 * statement that runs, waits for a lock, or sits idle inside a transaction longer than this ends
 * in an error (answered 503 `database_busy`) instead of holding a pooled connection forever.
 */
export interface SessionBackstops {
  statementTimeoutMs: number;
  lockTimeoutMs: number;
  idleInTransactionTimeoutMs: number;
}

/**
 * TypeORM options shared by the app and the CLI: snake_case names, migrations only
 * (`synchronize` is never on), UTC sessions. `random_page_cost=1.1` is the usual SSD setting; with
 * the default (4, spinning disks) the planner ignores the tenant-search trigram index on tables
 * of ~10k rows and scans them (bench/README.md). `backstops` (the service's pool) bound lock waits,
 * statements and idle transactions; the migration CLI runs without them.
 */
export function buildDataSourceOptions(url: string, overrides: Partial<DataSourceOptions> = {}, backstops?: SessionBackstops): DataSourceOptions {
  const settings = ['-c timezone=UTC', '-c random_page_cost=1.1'];
  if (backstops) {
    settings.push(
      `-c statement_timeout=${backstops.statementTimeoutMs}`,
      `-c lock_timeout=${backstops.lockTimeoutMs}`,
      `-c idle_in_transaction_session_timeout=${backstops.idleInTransactionTimeoutMs}`,
    );
  }
  return {
    type: 'postgres',
    url,
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrations: [MIGRATION_GLOB],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    extra: { max: 20, options: settings.join(' ') },
    ...overrides,
  } as DataSourceOptions;
}
