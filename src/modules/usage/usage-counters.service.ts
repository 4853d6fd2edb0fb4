import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/time';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { NotFoundError } from '../../common/errors';
import { COUNT_PERIOD_START, CountMetricCode, isMetricCode, METRIC_CODES, METRICS, MetricCode, periodOf, UsageLedger } from '../plans';

/** Counters of one tenant keyed by registry metric, each in its period containing a given instant. */
export type UsageValues = Record<MetricCode, number>;

/** The periods whose counters are current at `at`: one (metric, period start) pair per registry metric. */
export function currentPeriods(at: Date): { metrics: MetricCode[]; periodStarts: string[] } {
  return { metrics: [...METRIC_CODES], periodStarts: METRIC_CODES.map((m) => periodOf(m, at).start) };
}

/** Values by metric from counter rows; a metric without a row is 0 (nothing counted in its period yet). */
export function toUsageValues(rows: ReadonlyArray<{ metric: string; value: string | number | null }>): UsageValues {
  const values = Object.fromEntries(METRIC_CODES.map((m) => [m, 0])) as UsageValues;
  for (const row of rows) if (isMetricCode(row.metric) && row.value !== null) values[row.metric] = Number(row.value);
  return values;
}

/**
 * Read-model contract with the tenants context (docs/adr/0004): a LEFT JOIN that brings the
 * current value of the `count` metric `metric` for the tenant whose id is the SQL expression
 * `tenantIdSql`, as `<alias>.value` (bigint; NULL when the tenant has no row: read it as 0). A
 * level's counter sits at the fixed period start, so this is one primary-key look-up per row.
 */
export function countMetricJoinSql(metric: CountMetricCode, tenantIdSql: string, alias: string): string {
  if (!isMetricCode(metric) || !/^[A-Za-z]+$/.test(metric)) throw new Error(`not a registry metric code: ${String(metric)}`);
  return `LEFT JOIN usage_counters ${alias} ON ${alias}.tenant_id = ${tenantIdSql} AND ${alias}.metric = '${metric}' AND ${alias}.period_start = DATE '${COUNT_PERIOD_START}'`;
}

/**
 * The usage context's facade over counters (one `usage_counters` row per tenant, metric and
 * period) and the adapter of the plans context's {@link UsageLedger} port. All methods run in the
 * caller's transaction. `tryAdd` is the atomic reservation: one conditional upsert, so N
 * concurrent callers with k left get exactly k successes — never "count, then insert".
 */
@Injectable()
export class UsageCounters extends UsageLedger {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly clock: Clock,
  ) {
    super();
  }

  /**
   * Opens the usage account of a new tenant with a zero counter for every `count` metric (a
   * period_total metric gets its row from the first use in a month).
   */
  async createForTenant(tenantId: string): Promise<void> {
    const levels = METRICS.filter((m) => m.kind === 'count').map((m) => m.code);
    await this.txHost.tx.query(`INSERT INTO tenant_usage (tenant_id, last_calculated_at) VALUES ($1, now())`, [tenantId]);
    await this.txHost.tx.query(
      `INSERT INTO usage_counters (tenant_id, metric, period_start, value) SELECT $1, m, $3::date, 0 FROM unnest($2::text[]) AS m`,
      [tenantId, levels, COUNT_PERIOD_START],
    );
  }

  /**
   * Current counters (each metric in its period containing `at`) and the last recount, in one
   * query. @throws NotFoundError `tenant_not_found` when the tenant has no usage account.
   */
  async get(tenantId: string, at = this.clock.now()): Promise<{ values: UsageValues; lastCalculatedAt: Date | null }> {
    const { metrics, periodStarts } = currentPeriods(at);
    const rows: { last_calculated_at: Date | null; metric: string | null; value: string | null }[] = await this.txHost.tx.query(
      `SELECT u.last_calculated_at, c.metric, c.value
         FROM tenant_usage u
         LEFT JOIN usage_counters c ON c.tenant_id = u.tenant_id
          AND (c.metric, c.period_start) IN (SELECT * FROM unnest($2::text[], $3::date[]))
        WHERE u.tenant_id = $1`,
      [tenantId, metrics, periodStarts],
    );
    if (!rows.length) throw new NotFoundError('Tenant', tenantId);
    return { values: toUsageValues(rows.filter((r) => r.metric !== null) as { metric: string; value: string }[]), lastCalculatedAt: rows[0].last_calculated_at };
  }

  /** @inheritdoc */
  async current(tenantId: string, at: Date): Promise<UsageValues> {
    return (await this.get(tenantId, at)).values;
  }

  /** @inheritdoc */
  async tryAdd(tenantId: string, metric: MetricCode, amount: number, limit: number | null, at: Date): Promise<{ ok: boolean; used: number }> {
    const periodStart = periodOf(metric, at).start;
    // Insert the period's row with `amount`, or add to it; either only while within the limit.
    // A refused update still locks the row until commit, like the seat it would have taken.
    const added: { value: string }[] = await this.txHost.tx.query(
      `INSERT INTO usage_counters AS c (tenant_id, metric, period_start, value)
       SELECT $1, $2, $3::date, $4::bigint WHERE $5::bigint IS NULL OR $4::bigint <= $5::bigint
       ON CONFLICT (tenant_id, metric, period_start)
       DO UPDATE SET value = c.value + EXCLUDED.value, updated_at = now()
          WHERE $5::bigint IS NULL OR c.value + EXCLUDED.value <= $5::bigint
       RETURNING c.value`,
      [tenantId, metric, periodStart, amount, limit],
    );
    if (added.length) return { ok: true, used: Number(added[0].value) };
    const [row]: { value: string }[] = await this.txHost.tx.query(
      `SELECT value FROM usage_counters WHERE tenant_id = $1 AND metric = $2 AND period_start = $3::date`,
      [tenantId, metric, periodStart],
    );
    return { ok: false, used: row ? Number(row.value) : 0 };
  }

  /** @inheritdoc */
  async subtract(tenantId: string, metric: MetricCode, amount: number, at: Date): Promise<void> {
    await this.txHost.tx.query(
      `UPDATE usage_counters SET value = GREATEST(0, value - $4::bigint), updated_at = now()
        WHERE tenant_id = $1 AND metric = $2 AND period_start = $3::date`,
      [tenantId, metric, periodOf(metric, at).start, amount],
    );
  }
}
