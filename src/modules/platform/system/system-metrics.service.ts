import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import Redis from 'ioredis';
import { REDIS } from '../../../common/redis';
import { HttpMetrics, OutboxLag, OutboxLagStat, QueueStat, QueueStats } from '../metrics';
import { METRIC_WINDOWS, RouteGroupSummary, summarizeWindow } from './route-windows';

/** Days of database-size samples kept (one per UTC day). */
export const DB_SIZE_SAMPLE_DAYS = 8;
const DB_SIZE_KEY = 'system:db-size-samples';

/** Webhook delivery attempts in a window and the share that succeeded. */
export interface WebhookWindow {
  window: '1h' | '24h';
  attempts: number;
  succeeded: number;
  /** succeeded / attempts (0..1, 4 decimals); null without attempts. */
  successRate: number | null;
}

/** Size of the database and its growth since the previous daily sample. */
export interface DatabaseSize {
  /** pg_database_size of the current database, bytes. */
  sizeBytes: number;
  /** The latest sample of a UTC day before today: that day (YYYY-MM-DD) and the size then, bytes. */
  previousSample: { day: string; sizeBytes: number } | null;
  /** sizeBytes − previousSample.sizeBytes (bytes, negative after a shrink); null without a previous sample. */
  growthBytes: number | null;
}

/** The answer of GET /admin/system/metrics. */
export interface SystemMetricsReport {
  generatedAt: string;
  windows: { window: string; minutes: number; allGroups: RouteGroupSummary; routeGroups: RouteGroupSummary[] }[];
  queues: QueueStat[];
  outbox: OutboxLagStat;
  webhooks: WebhookWindow[];
  database: DatabaseSize;
}

const ratio = (n: number, d: number) => (d ? Math.round((n / d) * 10_000) / 10_000 : null);
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * System metrics for staff: API traffic per route group over 5 min / 1 h / 24 h (the cluster's
 * counts from Redis, percentiles from merged fixed-bucket histograms), queue depths, outbox lag,
 * webhook delivery success, database size and growth. Operational figures on the wall clock (the
 * time the traffic happened), not the business Clock.
 */
@Injectable()
export class SystemMetrics {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly http: HttpMetrics,
    private readonly queueStats: QueueStats,
    private readonly outboxLag: OutboxLag,
  ) {}

  /** The report; this instance's own unflushed counts are flushed first, so they are included. */
  async report(now = Date.now()): Promise<SystemMetricsReport> {
    await this.http.flush();
    const [windows, queues, outbox, webhooks, database] = await Promise.all([
      this.http.routeGroupWindows(METRIC_WINDOWS.map((w) => w.minutes), now),
      this.queueStats.all(now),
      this.outboxLag.read(),
      this.webhooks(),
      this.databaseSize(now),
    ]);
    return {
      generatedAt: new Date(now).toISOString(),
      windows: METRIC_WINDOWS.map((w, i) => ({ window: w.window, minutes: w.minutes, ...summarizeWindow(windows[i]) })),
      queues,
      outbox,
      webhooks,
      database,
    };
  }

  /**
   * Delivery attempts of the last hour and day, per endpoint through the (endpoint, created_at)
   * index of webhook_attempts, summed (tenant endpoints and platform webhooks alike).
   */
  private async webhooks(): Promise<WebhookWindow[]> {
    const [row]: { a1: number; s1: number; a24: number; s24: number }[] = await this.txHost.tx.query(
      `SELECT COALESCE(sum(x.a1), 0)::int AS a1, COALESCE(sum(x.s1), 0)::int AS s1, COALESCE(sum(x.a24), 0)::int AS a24, COALESCE(sum(x.s24), 0)::int AS s24
         FROM webhook_endpoints e
         CROSS JOIN LATERAL (
           SELECT count(*) FILTER (WHERE a.created_at >= now() - interval '1 hour') AS a1,
                  count(*) FILTER (WHERE a.created_at >= now() - interval '1 hour' AND a.success) AS s1,
                  count(*) AS a24,
                  count(*) FILTER (WHERE a.success) AS s24
             FROM webhook_attempts a
            WHERE a.endpoint_id = e.id AND a.created_at >= now() - interval '24 hours') x`,
    );
    return [
      { window: '1h', attempts: row.a1, succeeded: row.s1, successRate: ratio(row.s1, row.a1) },
      { window: '24h', attempts: row.a24, succeeded: row.s24, successRate: ratio(row.s24, row.a24) },
    ];
  }

  /**
   * pg_database_size now, compared with the latest daily sample before today. Today's first
   * reading becomes today's sample (HSETNX in a Redis hash by UTC day, kept {@link DB_SIZE_SAMPLE_DAYS} days).
   */
  private async databaseSize(now: number): Promise<DatabaseSize> {
    const [row]: { bytes: string }[] = await this.txHost.tx.query(`SELECT pg_database_size(current_database())::text AS bytes`);
    const sizeBytes = Number(row.bytes);
    const today = utcDay(now);
    const oldest = utcDay(now - DB_SIZE_SAMPLE_DAYS * 86_400_000);
    const samples = await this.redis.hgetall(DB_SIZE_KEY);
    const stale = Object.keys(samples).filter((d) => d < oldest);
    const pipeline = this.redis.pipeline().hsetnx(DB_SIZE_KEY, today, String(sizeBytes)).expire(DB_SIZE_KEY, DB_SIZE_SAMPLE_DAYS * 86_400);
    if (stale.length) pipeline.hdel(DB_SIZE_KEY, ...stale);
    await pipeline.exec();
    const previousDay = Object.keys(samples).filter((d) => d < today && d >= oldest).sort().at(-1);
    const previousSample = previousDay ? { day: previousDay, sizeBytes: Number(samples[previousDay]) } : null;
    return { sizeBytes, previousSample, growthBytes: previousSample ? sizeBytes - previousSample.sizeBytes : null };
  }
}
