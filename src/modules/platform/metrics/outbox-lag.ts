import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';

/** Events committed to the outbox and not yet dispatched to their consumers. */
export interface OutboxLagStat {
  /** Rows of `outbox` with `dispatched_at` NULL. */
  undispatched: number;
  /** Age of the oldest of them (database now − its `created_at`), seconds; 0 when none. */
  oldestAgeSeconds: number;
}

/**
 * The outbox lag (CONVENTIONS §3): how many committed events wait for dispatch and for how long.
 * One statement over the partial index of undispatched rows; the age is measured by PostgreSQL's
 * own clock (commit time), not the application clock.
 */
@Injectable()
export class OutboxLag {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** The current lag. */
  async read(): Promise<OutboxLagStat> {
    const [row]: { n: number; age: number | null }[] = await this.txHost.tx.query(
      `SELECT count(*)::int AS n, EXTRACT(EPOCH FROM (now() - min(created_at)))::float8 AS age FROM outbox WHERE dispatched_at IS NULL`,
    );
    return { undispatched: row?.n ?? 0, oldestAgeSeconds: Math.max(0, Math.round((row?.age ?? 0) * 10) / 10) };
  }
}
