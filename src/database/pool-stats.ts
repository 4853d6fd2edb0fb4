import type { Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/** Injection token of the service's pg Pool (the TypeORM data source's master pool), for observation only. */
export const DB_POOL = Symbol('DB_POOL');

/**
 * The pg Pool behind a TypeORM PostgreSQL data source (`driver.master`). Meant for observing the
 * pool (counts, acquisition waits): queries still go through TransactionHost.tx (docs/adr/0007).
 * @throws Error when the data source is not an initialised PostgreSQL one (no pool yet).
 */
export function poolOf(dataSource: DataSource): Pool {
  const pool = (dataSource.driver as PostgresDriver).master as Pool | undefined;
  if (!pool || typeof pool.connect !== 'function') throw new Error('poolOf: the data source has no PostgreSQL pool (not initialised, or not postgres)');
  return pool;
}

/**
 * Largest number of connections the pool opens: pg's resolved `options.max` (which already holds
 * `extra.max`, else `poolSize`, else pg's default of 10).
 */
export function poolMaxOf(pool: Pool): number {
  return pool.options.max ?? 10;
}

/** Provides {@link DB_POOL} from the default TypeORM data source (available once it is initialised). */
export const dbPoolProvider: Provider = {
  provide: DB_POOL,
  inject: [getDataSourceToken()],
  useFactory: (dataSource: DataSource) => poolOf(dataSource),
};
