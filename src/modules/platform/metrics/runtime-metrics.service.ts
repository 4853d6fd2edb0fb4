import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit, Provider } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import type { Pool } from 'pg';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { DB_POOL, poolMaxOf } from '../../../database/pool-stats';
import { CumulativeBucket, histogramQuantile, instrumentPoolConnect, PoolWaitReporter } from './pool-instrumentation';

/**
 * The process's Prometheus registry (prom-client), owned by RuntimeMetricsModule: Node/process
 * default metrics (event-loop lag from monitorEventLoopDelay with p50/p90/p99 in seconds, RSS,
 * heap, GC) plus the PostgreSQL pool metrics. `await registry.metrics()` is the Prometheus text
 * exposition (`registry.contentType`), served by `GET /metrics` behind METRICS_TOKEN (MetricsEndpoint).
 */
export class MetricsRegistry extends Registry {}

/** Builds the {@link MetricsRegistry} with prom-client's default metrics registered on it (not on the global registry). */
export const metricsRegistryProvider: Provider = {
  provide: MetricsRegistry,
  useFactory: () => {
    const registry = new MetricsRegistry();
    collectDefaultMetrics({ register: registry });
    return registry;
  },
};

/** Bucket bounds of `db_pool_acquire_seconds` (seconds): sub-ms idle hits up to a 10 s queue. */
export const POOL_ACQUIRE_BUCKETS_SECONDS = [0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** What {@link RuntimeMetrics.snapshot} returns: lag and acquire wait in ms, pool sizes in connections. */
export interface RuntimeSnapshot {
  /** 99th percentile of event-loop delay (ms) since the previous scrape or snapshot. */
  eventLoopLagP99Ms: number;
  /** Pool connections right now: open, idle, requests queued for one, and the configured maximum. */
  pool: { total: number; idle: number; waiting: number; max: number };
  /** Estimated 99th percentile (ms) of `pool.connect()` waits since start (from the histogram buckets). */
  poolAcquireP99Ms: number;
}

/**
 * Registers the PostgreSQL pool metrics on the {@link MetricsRegistry} and instruments the pool:
 * - gauges `db_pool_connections_total|idle|max` and `db_pool_clients_waiting`, read from the pg Pool
 *   at scrape time;
 * - histogram `db_pool_acquire_seconds`: time each `pool.connect()` took to get a client (seconds),
 *   measured by wrapping `connect` at module init, so waits on an exhausted pool are counted;
 * - a warning log (at most once per 10 s) when a request that found the pool full (no idle
 *   client, `max` open) waited more than POOL_WAIT_WARN_THRESHOLD_MS (20 ms).
 */
@Injectable()
export class RuntimeMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('RuntimeMetrics');
  private readonly acquire: Histogram;
  private readonly reporter: PoolWaitReporter;
  private restoreConnect?: () => void;

  constructor(
    private readonly registry: MetricsRegistry,
    @Inject(DB_POOL) private readonly pool: Pool,
  ) {
    const registers = [registry];
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    gauge('db_pool_connections_total', 'PostgreSQL pool: open connections (idle and in use).', () => pool.totalCount);
    gauge('db_pool_connections_idle', 'PostgreSQL pool: open connections not in use.', () => pool.idleCount);
    gauge('db_pool_clients_waiting', 'PostgreSQL pool: requests queued for a connection.', () => pool.waitingCount);
    gauge('db_pool_connections_max', 'PostgreSQL pool: maximum number of connections.', () => poolMaxOf(pool));
    this.acquire = new Histogram({
      name: 'db_pool_acquire_seconds',
      help: 'Time pool.connect() took to hand out a PostgreSQL connection, including queueing on an exhausted pool (seconds).',
      buckets: POOL_ACQUIRE_BUCKETS_SECONDS,
      registers,
    });
    this.reporter = new PoolWaitReporter(() => poolMaxOf(pool));
  }

  /** Starts timing `pool.connect()`. */
  onModuleInit(): void {
    this.restoreConnect = instrumentPoolConnect(this.pool, (waitSeconds, queued) => {
      this.acquire.observe(waitSeconds);
      // Only a request that queued on a full pool is an exhausted-pool wait; a slow new connection is not.
      if (!queued) return;
      const warning = this.reporter.record(waitSeconds * 1000, performance.now());
      if (warning) this.logger.warn(warning);
    });
  }

  /** Restores the pool's own `connect`. */
  onModuleDestroy(): void {
    this.restoreConnect?.();
  }

  /**
   * Current values for tests and benchmarks (ms and connection counts). Reading the event-loop
   * lag runs the same collection a scrape does, so it also starts a new lag window.
   */
  async snapshot(): Promise<RuntimeSnapshot> {
    await this.registry.getSingleMetric('nodejs_eventloop_lag_seconds')?.get();
    const lagP99 = (await this.registry.getSingleMetric('nodejs_eventloop_lag_p99_seconds')?.get())?.values[0]?.value ?? 0;
    return {
      eventLoopLagP99Ms: lagP99 * 1000,
      pool: { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount, max: poolMaxOf(this.pool) },
      poolAcquireP99Ms: histogramQuantile(0.99, await this.acquireBuckets()) * 1000,
    };
  }

  /** Cumulative buckets of `db_pool_acquire_seconds` (bounds in seconds). */
  async acquireBuckets(): Promise<CumulativeBucket[]> {
    const { values } = await this.acquire.get();
    return values
      .filter((v) => v.metricName === 'db_pool_acquire_seconds_bucket')
      .map((v) => ({ le: v.labels.le === '+Inf' ? Infinity : Number(v.labels.le), count: v.value }));
  }
}
