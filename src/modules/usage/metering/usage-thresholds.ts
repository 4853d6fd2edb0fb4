import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { EventBus } from '../../../common/events';
import { UsageLimitReachedEvent, UsageThresholdReachedEvent } from '../events/usage.events';

/** The thresholds, in % of the limit, at which a tenant is told (seed 003: e.g. 90 % of allowed domains). */
export const USAGE_THRESHOLDS = [80, 90, 100] as const;

/** The thresholds `used` has reached under `limit` (none for an unlimited or zero limit). */
export function thresholdsReached(used: number, limit: number | null): number[] {
  if (limit === null || limit <= 0) return [];
  return USAGE_THRESHOLDS.filter((t) => used * 100 >= t * limit);
}

/**
 * Keeps `usage_threshold_states` in step with a metric's use, in the caller's transaction: a
 * threshold newly reached is recorded and published (`usage.threshold_reached`, and
 * `usage.limit_reached` at 100 %) once; a threshold the use fell below again is cleared, so a
 * later crossing is told again. A new period has no states yet.
 */
@Injectable()
export class UsageThresholds {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly events: EventBus,
  ) {}

  /** Records the thresholds of (tenant, metric, period) at `used` of `limit`; returns the newly reached ones. */
  async update(tenantId: string, metric: string, periodStart: string, used: number, limit: number | null): Promise<number[]> {
    const reached = thresholdsReached(used, limit);
    await this.txHost.tx.query(
      `DELETE FROM usage_threshold_states WHERE tenant_id = $1 AND metric = $2 AND period_start = $3::date AND NOT (threshold = ANY($4::int[]))`,
      [tenantId, metric, periodStart, reached],
    );
    if (!reached.length) return [];
    const fresh: { threshold: number }[] = await this.txHost.tx.query(
      `INSERT INTO usage_threshold_states (tenant_id, metric, period_start, threshold) SELECT $1, $2, $3::date, t FROM unnest($4::int[]) AS t
       ON CONFLICT DO NOTHING RETURNING threshold`,
      [tenantId, metric, periodStart, reached],
    );
    const thresholds = fresh.map((f) => f.threshold).sort((a, b) => a - b);
    for (const threshold of thresholds) {
      const payload = { metric, threshold, limit: limit!, used, periodStart };
      await this.events.publish(new UsageThresholdReachedEvent(tenantId, payload));
      if (threshold === 100) await this.events.publish(new UsageLimitReachedEvent(tenantId, payload));
    }
    return thresholds;
  }
}
