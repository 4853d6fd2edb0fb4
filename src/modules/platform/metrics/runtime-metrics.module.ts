import { Module } from '@nestjs/common';
import { dbPoolProvider } from '../../../database/pool-stats';
import { metricsRegistryProvider, MetricsRegistry, RuntimeMetrics } from './runtime-metrics.service';

/**
 * Runtime metrics of the hot paths in one prom-client registry ({@link MetricsRegistry}):
 * event-loop lag and process metrics (prom-client default metrics), PostgreSQL pool usage and
 * pool acquisition waits, plus a throttled "pool exhausted" warning log.
 *
 * Exposure decision: this module serves nothing over HTTP. A `/metrics` route would be public to
 * whoever reaches the API port (pool sizes, memory, GC and lag reveal load and help time attacks),
 * and this service has no scrape credential or separate internal listener yet; every route here
 * also passes the global auth/audit chain, which a Prometheus scraper does not fit. So the module
 * exports the registry (and {@link RuntimeMetrics} with `snapshot()` for tests and benchmarks),
 * and the operations issue mounts `await registry.metrics()` behind the protection it decides
 * (a bearer scrape token or an internal-only port).
 */
@Module({
  providers: [metricsRegistryProvider, dbPoolProvider, RuntimeMetrics],
  exports: [MetricsRegistry, RuntimeMetrics],
})
export class RuntimeMetricsModule {}
