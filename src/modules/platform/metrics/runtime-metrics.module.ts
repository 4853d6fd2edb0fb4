import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { dbPoolProvider } from '../../../database/pool-stats';
import { HttpMetrics } from './http-metrics';
import { MetricsEndpoint } from './metrics-endpoint';
import { OutboxLag } from './outbox-lag';
import { QueueStats } from './queue-stats';
import { metricsRegistryProvider, MetricsRegistry, RuntimeMetrics } from './runtime-metrics.service';

/**
 * Runtime metrics in one prom-client registry ({@link MetricsRegistry}): event-loop lag and
 * process metrics (prom-client default metrics), PostgreSQL pool usage and acquisition waits
 * (with a throttled "pool exhausted" warning log), HTTP response durations by route template
 * ({@link HttpMetrics}), Bull queue and outbox gauges read at scrape time.
 *
 * Exposure: `GET /metrics` ({@link MetricsEndpoint}) outside /api/v1 and the JWT guard chain,
 * behind a bearer scrape token (METRICS_TOKEN; without it the endpoint answers 404), because pool
 * sizes, memory, GC and lag reveal load to whoever reaches the port. {@link QueueStats} and
 * {@link OutboxLag} are shared with the system health and metrics routes and the jobs API.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [metricsRegistryProvider, dbPoolProvider, RuntimeMetrics, HttpMetrics, QueueStats, OutboxLag, MetricsEndpoint],
  exports: [MetricsRegistry, RuntimeMetrics, HttpMetrics, QueueStats, OutboxLag],
})
export class RuntimeMetricsModule {}
