import type { MetricCode } from './metrics';

/**
 * Port: the usage counters that quota decisions are taken on. The usage context implements it and
 * provides it globally (usage reads this catalog's metric registry, so plans cannot import usage
 * without a cycle; docs/adr/0016-usage-metric-registry.md). Every method runs in the caller's
 * transaction (TransactionHost.tx). `at` is the instant whose period counts: the calendar month
 * in UTC for a monthly metric, the one fixed period for a level (`periodOf` in ./metrics).
 */
export abstract class UsageLedger {
  /**
   * The value of every registry metric in its period containing `at`; 0 for a metric with nothing
   * counted yet (a monthly metric in a new month).
   * @throws NotFoundError `tenant_not_found` when the tenant has no usage account.
   */
  abstract current(tenantId: string, at: Date): Promise<Record<MetricCode, number>>;

  /**
   * Adds `amount` to `metric` in its period containing `at` unless the value would pass `limit`
   * (null = unlimited), in ONE conditional statement: N concurrent callers with k left get
   * exactly k successes. Returns whether it was added, and the value afterwards (as found when refused).
   */
  abstract tryAdd(tenantId: string, metric: MetricCode, amount: number, limit: number | null, at: Date): Promise<{ ok: boolean; used: number }>;

  /** Subtracts `amount` from `metric` in its period containing `at`, never below zero (a freed seat). */
  abstract subtract(tenantId: string, metric: MetricCode, amount: number, at: Date): Promise<void>;
}
