import { TransactionalAdapter } from '@nestjs-cls/transactional';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { IsolationLevel } from 'typeorm/driver/types/IsolationLevel';

/** Options of a transaction opened through {@link LazyTransactionalAdapterTypeOrm}. */
export interface LazyTransactionOptions {
  isolationLevel?: IsolationLevel;
}

/** Marker on a lazily begun query runner: returns whether BEGIN was sent. */
const BEGUN = Symbol('lazyTransactionBegun');

/**
 * Whether the unit of work `manager` belongs to has sent a statement yet (a transaction is open
 * on a pooled connection). False outside a transaction. Code about to call an outside system
 * (a payment gateway) checks it and fails closed rather than call inside an open transaction
 * (CONVENTIONS §10).
 */
export function transactionBegun(manager: EntityManager): boolean {
  const runner = manager.queryRunner as (QueryRunner & { [BEGUN]?: () => boolean }) | undefined;
  if (!runner) return false;
  return runner[BEGUN] ? runner[BEGUN]() : runner.isTransactionActive;
}

/** A query runner whose transaction begins with its first statement. */
interface LazyRunner {
  runner: QueryRunner;
  /** True once BEGIN was sent (some statement ran). */
  begun(): boolean;
}

/**
 * Makes `runner` start its transaction lazily: no pooled connection is taken and no BEGIN is sent
 * until the first statement, which then runs as `BEGIN [ISOLATION LEVEL …]` + the statement on a
 * freshly acquired connection. TypeORM sees a transaction that is already active (depth 1), so
 * its own nested work uses savepoints and `save()` does not open a second transaction.
 */
function deferBegin(runner: QueryRunner, isolationLevel?: IsolationLevel): LazyRunner {
  const internals = runner as unknown as { isTransactionActive: boolean; transactionDepth: number; connect(): Promise<unknown> };
  internals.isTransactionActive = true;
  internals.transactionDepth = 1;
  const connect = internals.connect.bind(runner) as () => Promise<unknown>;
  let begin: Promise<unknown> | undefined;
  internals.connect = () =>
    (begin ??= connect().then(async (connection) => {
      await (connection as { query(sql: string): Promise<unknown> }).query(isolationLevel ? `BEGIN ISOLATION LEVEL ${isolationLevel}` : 'BEGIN');
      return connection;
    }));
  const begun = () => begin !== undefined;
  (runner as QueryRunner & { [BEGUN]?: () => boolean })[BEGUN] = begun;
  return { runner, begun };
}

/**
 * The TypeORM adapter of @nestjs-cls/transactional, except that a transaction begins at its first
 * statement instead of when the unit of work opens (docs/adr/0018). Work a request does before
 * touching the database — hashing a password (tens of ms of CPU), validating, calling nothing —
 * holds no pooled connection and leaves no backend "idle in transaction"; a unit of work that
 * runs no statement costs no round trip at all. Atomicity is unchanged: every statement of the
 * unit of work runs inside the one transaction, committed or rolled back at its end.
 */
export class LazyTransactionalAdapterTypeOrm implements TransactionalAdapter<DataSource, EntityManager, LazyTransactionOptions> {
  readonly connectionToken: unknown;

  constructor(options: { dataSourceToken: unknown }) {
    this.connectionToken = options.dataSourceToken;
  }

  optionsFactory = (dataSource: DataSource) => ({
    wrapWithTransaction: async (options: LazyTransactionOptions | undefined, fn: (...args: unknown[]) => Promise<unknown>, setClient: (client?: EntityManager) => void) => {
      const { runner, begun } = deferBegin(dataSource.createQueryRunner(), options?.isolationLevel);
      try {
        setClient(runner.manager);
        const result = await fn();
        if (begun()) await runner.commitTransaction();
        return result;
      } catch (err) {
        if (begun()) await runner.rollbackTransaction().catch(() => undefined);
        throw err;
      } finally {
        await runner.release();
      }
    },
    wrapWithNestedTransaction: async (options: LazyTransactionOptions | undefined, fn: (...args: unknown[]) => Promise<unknown>, setClient: (client?: EntityManager) => void, client: EntityManager) =>
      client.transaction(options?.isolationLevel as IsolationLevel, (trx) => {
        setClient(trx);
        return fn();
      }),
    getFallbackInstance: () => dataSource.manager,
  });
}
