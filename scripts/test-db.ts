/**
 * Creates (from scratch) and migrates the test database, and empties the test Redis database.
 * Refuses a database whose name lacks "test" and Redis database 0, so it cannot wipe real data.
 */
import 'reflect-metadata';
import Redis from 'ioredis';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions, ENTITY_GLOB } from '../src/database/typeorm-options';
import { TEST_ENV } from '../test/support/test-env';

async function main(): Promise<void> {
  const url = new URL(TEST_ENV.DATABASE_URL);
  const dbName = url.pathname.replace(/^\//, '');
  if (!/test/.test(dbName)) throw new Error(`refusing to touch database "${dbName}": its name must contain "test"`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  await client.query(`CREATE DATABASE "${dbName}"`);
  await client.end();

  const ds = new DataSource(buildDataSourceOptions(TEST_ENV.DATABASE_URL, { entities: [ENTITY_GLOB] }));
  await ds.initialize();
  const applied = await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();

  const redisUrl = new URL(TEST_ENV.REDIS_URL);
  if ((redisUrl.pathname.replace('/', '') || '0') === '0') throw new Error('refusing to flush Redis database 0; use a dedicated test database');
  const redis = new Redis(TEST_ENV.REDIS_URL);
  await redis.flushdb();
  await redis.quit();
  process.stdout.write(`test database ${dbName} created with ${applied.length} migration(s); test Redis flushed\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`test-db: ${err.message}\n`);
  process.exit(1);
});
