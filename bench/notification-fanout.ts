/**
 * Fan-out of one event to a tenant with many users: BENCH_USERS (default 5,000) active managers,
 * the default-like rule "user.created → admins and managers", then one `user.created` published
 * through the real event bus (outbox → notifications consumer). Measured: how long the publishing
 * unit of work takes to return (what the request that caused the event waits), and how long until
 * every notification row exists. Targets: fan-out < 2 s, and the request not blocked by it.
 *
 * Run: `node -r @swc-node/register bench/notification-fanout.ts` (PostgreSQL + Redis up). It
 * (re)creates `control_plane_bench_hot_fanout`, boots the AppModule in this process (Redis db 12).
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { recreateDatabase } from './tenant-list';

const USERS = Number(process.env.BENCH_USERS ?? 5000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const DB = 'control_plane_bench_hot_fanout';

async function main(): Promise<void> {
  const ds = await recreateDatabase(DB);
  const [tenant] = await ds.query(`INSERT INTO tenants (name, slug, contact_email) VALUES ('Big', 'big-co', 'ops@big.example') RETURNING id`);
  await ds.query(
    `INSERT INTO tenant_users (tenant_id, email, full_name, role, password_hash, is_active) SELECT $1, 'u' || i || '@big.example', 'User ' || i, 'manager', 'x', true FROM generate_series(1, $2) AS i`,
    [tenant.id, USERS],
  );
  await ds.query(`INSERT INTO notification_rules (tenant_id, name, event_type, recipient_roles, channel, is_active) VALUES ($1, 'New user', 'user.created', '{admin,manager}', 'in_app', true)`, [tenant.id]);
  Object.assign(process.env, { DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${DB}`, REDIS_URL: 'redis://127.0.0.1:6379/12', LOG_LEVEL: 'silent', MIGRATIONS_RUN: 'false' });
  const { AppModule } = await import('../src/app.module');
  const { EventBus, UnitOfWork } = await import('../src/common/events');
  const { UserCreatedEvent } = await import('../src/modules/iam/events/tenant-user.events');
  const app = await NestFactory.create(AppModule, { logger: false });
  await app.init();
  const results: { publishReturnedMs: number; allNotifiedMs: number; notifications: number }[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const userId = randomUUID();
      const started = process.hrtime.bigint();
      const ms = () => Number((process.hrtime.bigint() - started) / 1_000_000n);
      await app.get(UnitOfWork).run(() =>
        app.get(EventBus).publish(new UserCreatedEvent(tenant.id, { userId, email: `new${round}@big.example`, role: 'member', isActive: true } as never)),
      );
      const publishReturnedMs = ms();
      let n = 0;
      while (ms() < 30_000) {
        [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM tenant_notifications WHERE tenant_id = $1 AND resource_id = $2`, [tenant.id, userId]);
        if (n >= USERS) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      results.push({ publishReturnedMs, allNotifiedMs: ms(), notifications: n });
    }
  } finally {
    await app.close();
    await ds.destroy();
  }
  const med = (k: 'publishReturnedMs' | 'allNotifiedMs') => [...results.map((r) => r[k])].sort((a, b) => a - b)[Math.floor(results.length / 2)];
  console.log(JSON.stringify({ node: process.version, users: USERS, rounds: results, medianPublishReturnedMs: med('publishReturnedMs'), medianAllNotifiedMs: med('allNotifiedMs') }, null, 2));
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
