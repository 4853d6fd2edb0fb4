import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Clock } from '../../../common/time';
import { monthStart } from './metrics';

/** Moves the rollup horizon back to `$2` (the month of `$1`) when a movement at `$1` lands before it (the recorder, after inserting movements). */
export const LOWER_ROLLUP_HORIZON_SQL = `UPDATE mrr_rollup_state SET closed_until = $2, updated_at = now() WHERE id = 1 AND closed_until > $1`;
/** Forgets every total (the next run sums everything again): after movements of the past were rewritten or erased. */
export const INVALIDATE_ROLLUP_SQL = `UPDATE mrr_rollup_state SET closed_until = NULL, updated_at = now() WHERE id = 1 AND closed_until IS NOT NULL`;

/** Sums the movements of [`$1` (null: the beginning), `$2`) into `mrr_month_totals`, per currency, month (UTC) and kind. */
export const ROLL_UP_SQL = `INSERT INTO mrr_month_totals (currency, month, kind, amount_cents, movements, tenants)
  SELECT currency, date_trunc('month', occurred_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', kind, sum(delta_cents), count(*), count(DISTINCT tenant_id)
    FROM mrr_movements WHERE ($1::timestamptz IS NULL OR occurred_at >= $1) AND occurred_at < $2
   GROUP BY 1, 2, 3`;

/**
 * Keeps `mrr_month_totals` (the platform's movements summed per closed month, currency and kind)
 * up to the current month, for the metrics route (docs/adr/0022). Runs as the `billing:mrr-rollup`
 * job (daily, once per cluster) in one transaction under the state row's lock: drops the totals from
 * the horizon on, sums the movements from there to the Clock's current month, moves the horizon.
 * Safe to run twice.
 */
@Injectable()
export class MrrRollupService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly clock: Clock,
  ) {}

  /** Rolls up every closed month not rolled up yet; returns the new horizon. */
  async rollUp(): Promise<{ closedUntil: Date }> {
    const tx = this.txHost.tx;
    const target = monthStart(this.clock.now());
    await tx.query(`INSERT INTO mrr_rollup_state (id, closed_until) VALUES (1, NULL) ON CONFLICT (id) DO NOTHING`);
    const [state]: { closed_until: Date | null }[] = await tx.query(`SELECT closed_until FROM mrr_rollup_state WHERE id = 1 FOR UPDATE`);
    const from = state.closed_until;
    if (from && from.getTime() >= target.getTime()) return { closedUntil: from };
    await tx.query(`DELETE FROM mrr_month_totals WHERE $1::timestamptz IS NULL OR month >= $1`, [from]);
    await tx.query(ROLL_UP_SQL, [from, target]);
    await tx.query(`UPDATE mrr_rollup_state SET closed_until = $1, updated_at = now() WHERE id = 1`, [target]);
    return { closedUntil: target };
  }

  /** Forgets every total ({@link INVALIDATE_ROLLUP_SQL}). */
  async invalidate(): Promise<void> {
    await this.txHost.tx.query(INVALIDATE_ROLLUP_SQL);
  }
}
