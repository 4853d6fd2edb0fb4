import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ValidationError } from '../../common/errors';
import { Clock } from '../../common/time';
import { metricDefinition } from '../plans';
import { UsageGranularity, UsageSeriesDto, UsageSeriesQueryDto } from './dto/usage.dto';
import { UsageCounters } from './usage-counters.service';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Most buckets one series may hold: a leap year of days, or 31 days of hours. */
export const MAX_SERIES_BUCKETS: Record<UsageGranularity, number> = { day: 366, hour: 744 };
const STEP_MS: Record<UsageGranularity, number> = { day: DAY_MS, hour: HOUR_MS };
const DEFAULT_SPAN: Record<UsageGranularity, number> = { day: 30, hour: 24 };

/** The UTC bucket range `[from, to)` of a series, aligned to whole buckets. Pure; exported for tests. */
export function seriesRange(granularity: UsageGranularity, now: Date, from?: Date, to?: Date): { from: Date; to: Date; buckets: number } {
  const step = STEP_MS[granularity];
  const end = Math.ceil((to ?? now).getTime() / step) * step;
  const start = Math.floor((from ?? new Date(end - DEFAULT_SPAN[granularity] * step)).getTime() / step) * step;
  return { from: new Date(start), to: new Date(end), buckets: (end - start) / step };
}

/**
 * Charts of one metric over time, for staff, tenant admins and product-module services (the same
 * answer for all three). A metered metric (usage events) is summed per UTC bucket from the stored
 * events, so it can be re-aggregated at any granularity; a level (members, projects, domains) reads
 * the daily snapshots (today: the live counter).
 */
@Injectable()
export class UsageSeriesService {
  constructor(
    private readonly counters: UsageCounters,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly clock: Clock,
  ) {}

  /**
   * @throws NotFoundError `tenant_not_found` when the tenant has no usage account.
   * @throws ValidationError naming `from` (after `to`, or too many buckets) or `granularity`
   *   (hourly buckets of a level).
   */
  async series(tenantId: string, query: UsageSeriesQueryDto): Promise<UsageSeriesDto> {
    const live = await this.counters.get(tenantId);
    const granularity = query.granularity ?? 'day';
    const definition = metricDefinition(query.metric);
    if (definition.kind === 'count' && granularity === 'hour') {
      throw new ValidationError([{ field: 'granularity', message: `${query.metric} is a level snapshotted once a day: use granularity=day` }]);
    }
    if (query.from && query.to && query.from.getTime() >= query.to.getTime()) {
      throw new ValidationError([{ field: 'from', message: 'from must be before to' }]);
    }
    const range = seriesRange(granularity, this.clock.now(), query.from, query.to);
    if (range.buckets > MAX_SERIES_BUCKETS[granularity]) {
      throw new ValidationError([{ field: 'from', message: `the range may hold at most ${MAX_SERIES_BUCKETS[granularity]} ${granularity} buckets` }]);
    }
    const step = STEP_MS[granularity];
    const starts = Array.from({ length: range.buckets }, (_, i) => range.from.getTime() + i * step);
    const values = definition.kind === 'period_total' ? await this.meteredSums(tenantId, query.metric, granularity, range) : await this.levels(tenantId, query.metric, range);
    // Today's level is known now, before its snapshot is taken tonight.
    const today = Math.floor(this.clock.now().getTime() / DAY_MS) * DAY_MS;
    if (definition.kind === 'count' && today >= range.from.getTime() && today < range.to.getTime()) values.set(today, live.values[query.metric]);
    const data = starts.map((s) => ({
      start: new Date(s).toISOString(),
      end: new Date(s + step).toISOString(),
      value: values.get(s) ?? (definition.kind === 'period_total' ? 0 : null),
    }));
    return {
      tenantId,
      metric: query.metric,
      kind: definition.kind,
      granularity,
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      total: definition.kind === 'period_total' ? data.reduce((sum, p) => sum + (p.value ?? 0), 0) : null,
      data,
    };
  }

  /** Sums of usage events per UTC bucket start (ms); the index on (tenant, metric, occurred_at) prunes partitions and rows. */
  private async meteredSums(tenantId: string, metric: string, granularity: UsageGranularity, range: { from: Date; to: Date }): Promise<Map<number, number>> {
    const rows: { bucket: Date; value: string }[] = await this.txHost.tx.query(
      `SELECT date_trunc($4, occurred_at, 'UTC') AS bucket, SUM(amount)::text AS value
         FROM usage_events
        WHERE tenant_id = $1 AND metric = $2 AND occurred_at >= $3 AND occurred_at < $5
        GROUP BY 1`,
      [tenantId, metric, range.from, granularity, range.to],
    );
    return new Map(rows.map((r) => [new Date(r.bucket).getTime(), Number(r.value)]));
  }

  /** The level of `metric` in each daily snapshot of the range, by UTC day start (ms). */
  private async levels(tenantId: string, metric: string, range: { from: Date; to: Date }): Promise<Map<number, number>> {
    const rows: { day: string; value: string | null }[] = await this.txHost.tx.query(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, counters ->> $2 AS value
         FROM tenant_usage_snapshots
        WHERE tenant_id = $1 AND day >= $3::date AND day < $4::date`,
      [tenantId, metric, range.from.toISOString().slice(0, 10), range.to.toISOString().slice(0, 10)],
    );
    return new Map(rows.map((r) => [Date.parse(`${r.day}T00:00:00Z`), r.value === null ? 0 : Number(r.value)]));
  }
}
