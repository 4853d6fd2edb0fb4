export { POOL_WAIT_WARN_INTERVAL_MS, POOL_WAIT_WARN_THRESHOLD_MS } from './pool-instrumentation';
export { RuntimeMetricsModule } from './runtime-metrics.module';
export { MetricsRegistry, RuntimeMetrics, type RuntimeSnapshot } from './runtime-metrics.service';
