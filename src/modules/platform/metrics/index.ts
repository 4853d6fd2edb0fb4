export { POOL_WAIT_WARN_INTERVAL_MS, POOL_WAIT_WARN_THRESHOLD_MS, histogramQuantile, type CumulativeBucket } from './pool-instrumentation';
export { RuntimeMetricsModule } from './runtime-metrics.module';
export { MetricsRegistry, RuntimeMetrics, type RuntimeSnapshot } from './runtime-metrics.service';
export { HttpMetrics, statusClassOf } from './http-metrics';
export { METRICS_PATH, MetricsEndpoint, tokenMatches } from './metrics-endpoint';
export { OutboxLag, type OutboxLagStat } from './outbox-lag';
export { QueueStats, type QueueStat } from './queue-stats';
