/**
 * Creates (from scratch) and migrates the test database, and empties the test Redis database, for
 * each e2e worker (test/support/test-env.ts): the first database is migrated, the others are
 * copied from it (CREATE DATABASE … TEMPLATE). Refuses a database whose name lacks "test" and
 * Redis database 0, so it cannot wipe real data.
 */
import 'reflect-metadata';
import Redis from 'ioredis';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions, ENTITY_GLOB } from '../src/database/typeorm-options';
import { E2E_WORKERS, TEST_ENV, workerUrls } from '../test/support/test-env';

/** The database name of a URL, refused unless it contains "test". */
function testDatabaseName(databaseUrl: string): string {
  const dbName = new URL(databaseUrl).pathname.replace(/^\//, '');
  if (!/test/.test(dbName)) throw new Error(`refusing to touch database "${dbName}": its name must contain "test"`);
  return dbName;
}

async function main(): Promise<void> {
  const workers = Array.from({ length: E2E_WORKERS }, (_, i) => workerUrls(i + 1));
  const names = workers.map((w) => testDatabaseName(w.databaseUrl));
  const admin = new URL(TEST_ENV.DATABASE_URL);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  for (const name of names) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await client.query(`CREATE DATABASE "${names[0]}"`);

  const ds = new DataSource(buildDataSourceOptions(workers[0].databaseUrl, { entities: [ENTITY_GLOB] }));
  await ds.initialize();
  const applied = await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
  // A template must have no other connection while it is copied.
  for (const name of names.slice(1)) await client.query(`CREATE DATABASE "${name}" TEMPLATE "${names[0]}"`);
  await client.end();

  for (const { redisUrl } of workers) {
    if ((new URL(redisUrl).pathname.replace('/', '') || '0') === '0') throw new Error('refusing to flush Redis database 0; use a dedicated test database');
    const redis = new Redis(redisUrl);
    await redis.flushdb();
    await redis.quit();
  }
  process.stdout.write(`test database(s) ${names.join(', ')} created with ${applied.length} migration(s); test Redis flushed\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`test-db: ${err.message}\n`);
  process.exit(1);
});
