import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { randomUUID } from 'node:crypto';
import { UnitOfWork } from '../../../src/common/events';
import { createTestApp, TestApp } from '../../support/app';

/**
 * A unit of work's transaction begins with its first statement (docs/adr/0018): CPU work before
 * it (a password hash) holds no pooled connection and leaves no backend "idle in transaction";
 * everything from the first statement on is one transaction, committed or rolled back together.
 */
describe('lazily begun transactions', () => {
  let t: TestApp;
  let uow: UnitOfWork;
  let txHost: TransactionHost<TransactionalAdapterTypeOrm>;
  const table = `lazy_tx_probe`;

  beforeAll(async () => {
    t = await createTestApp();
    uow = t.app.get(UnitOfWork);
    txHost = t.app.get(TransactionHost);
    await t.db.query(`CREATE TABLE IF NOT EXISTS ${table} (id uuid PRIMARY KEY, note text NOT NULL)`);
  });
  afterAll(async () => {
    await t.db.query(`DROP TABLE IF EXISTS ${table}`);
    await t.close();
  });

  /**
   * Backends of this database in a transaction but between statements, other than the caller, that
   * are this test's unit of work: their last statement began a transaction (an eager BEGIN) or
   * touched the probe table. The service's own background work (relay rounds, deferred consumers,
   * scheduled jobs on the shared test database) is not counted.
   */
  const idleInTransaction = async (): Promise<number> =>
    Number(
      (
        await t.db.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND state = 'idle in transaction' AND pid <> pg_backend_pid()
              AND (query ILIKE 'BEGIN%' OR query ILIKE 'START TRANSACTION%' OR query ILIKE '%${table}%')`,
        )
      )[0].n,
    );

  /** A promise and its resolver: the unit of work waits on it where a request would hash. */
  const gate = () => {
    let open!: () => void;
    const wait = new Promise<void>((resolve) => (open = resolve));
    return { wait, open };
  };

  it('holds no transaction before the first statement, one from it on, and commits every statement together', async () => {
    const beforeFirst = gate();
    const afterFirst = gate();
    const id = randomUUID();
    const seen: number[] = [];
    const work = uow.run(async () => {
      await beforeFirst.wait;
      await txHost.tx.query(`INSERT INTO ${table} (id, note) VALUES ($1, 'first')`, [id]);
      await afterFirst.wait;
      await txHost.tx.query(`UPDATE ${table} SET note = 'second' WHERE id = $1`, [id]);
    });
    await new Promise((r) => setTimeout(r, 100));
    seen.push(await idleInTransaction());
    beforeFirst.open();
    await new Promise((r) => setTimeout(r, 100));
    seen.push(await idleInTransaction());
    // Not visible to others before commit: it is one transaction.
    expect(await t.db.query(`SELECT note FROM ${table} WHERE id = $1`, [id])).toEqual([]);
    afterFirst.open();
    await work;
    expect(seen).toEqual([0, 1]);
    expect(await t.db.query(`SELECT note FROM ${table} WHERE id = $1`, [id])).toEqual([{ note: 'second' }]);
    expect(await idleInTransaction()).toBe(0);
  });

  it('rolls back every statement when the work fails after them', async () => {
    const id = randomUUID();
    await expect(
      uow.run(async () => {
        await txHost.tx.query(`INSERT INTO ${table} (id, note) VALUES ($1, 'doomed')`, [id]);
        throw new Error('fails after its first statement');
      }),
    ).rejects.toThrow('fails after its first statement');
    expect(await t.db.query(`SELECT note FROM ${table} WHERE id = $1`, [id])).toEqual([]);
  });

  it('keeps TypeORM’s own transactional work (save) inside the one transaction', async () => {
    const id = randomUUID();
    await expect(
      uow.run(async () => {
        await txHost.tx.createQueryBuilder().insert().into(table).values({ id, note: 'builder' }).execute();
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await t.db.query(`SELECT note FROM ${table} WHERE id = $1`, [id])).toEqual([]);
  });

  it('a unit of work that runs no statement takes no connection', async () => {
    const pool = (t.db.driver as unknown as { master: { totalCount: number; idleCount: number; waitingCount: number } }).master;
    const inUseBefore = pool.totalCount - pool.idleCount;
    let inUseDuring = -1;
    await uow.run(async () => {
      await new Promise((r) => setTimeout(r, 20));
      inUseDuring = pool.totalCount - pool.idleCount;
    });
    expect(inUseDuring).toBe(inUseBefore);
  });

  it('beforeCommit statements run last, after the work’s own, and one that throws rolls the whole unit back', async () => {
    const id = randomUUID();
    const order: string[] = [];
    await uow.run(async () => {
      await uow.beforeCommit(async () => {
        order.push('deferred');
        await txHost.tx.query(`UPDATE ${table} SET note = note || '+deferred' WHERE id = $1`, [id]);
      });
      order.push('work');
      await txHost.tx.query(`INSERT INTO ${table} (id, note) VALUES ($1, 'work')`, [id]);
    });
    expect(order).toEqual(['work', 'deferred']);
    expect(await t.db.query(`SELECT note FROM ${table} WHERE id = $1`, [id])).toEqual([{ note: 'work+deferred' }]);

    const doomed = randomUUID();
    await expect(
      uow.run(async () => {
        await txHost.tx.query(`INSERT INTO ${table} (id, note) VALUES ($1, 'work')`, [doomed]);
        await uow.beforeCommit(async () => {
          throw new Error('over the limit at commit');
        });
      }),
    ).rejects.toThrow('over the limit at commit');
    expect(await t.db.query(`SELECT note FROM ${table} WHERE id = $1`, [doomed])).toEqual([]);
  });
});
