import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Histogram } from 'prom-client';
import { ErrorRateRecorder, HTTP_LATENCY_BUCKETS_MS, RouteGroupCounts } from '../../notifications';
import { MetricsRegistry } from './runtime-metrics.service';

/** Status class label of an HTTP status (`2xx` … `5xx`). */
export function statusClassOf(status: number): string {
  return status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : 'other';
}

/**
 * The API's own HTTP figures, from the one response-counting middleware of the application (the
 * notifications context's {@link ErrorRateRecorder}, which also feeds the error-rate alert):
 * - `http_request_duration_seconds{method, route, status_class}`: a Prometheus histogram of this
 *   instance's responses, `route` being the route template (`/api/v1/admin/tenants/:tenantId`,
 *   `unmatched` when none matched), never the raw path; bucket bounds are the recorder's fixed
 *   latency bounds in seconds;
 * - {@link routeGroupWindows}: the cluster's per-route-group counts over minute windows (Redis).
 *
 * The recorder is the alerts module's single instance, resolved from the application container at
 * init (it is not re-provided here, so there is one middleware, one set of counts).
 */
@Injectable()
export class HttpMetrics implements OnModuleInit, OnModuleDestroy {
  private recorder?: ErrorRateRecorder;
  private unsubscribe?: () => void;
  private readonly duration: Histogram<'method' | 'route' | 'status_class'>;

  constructor(
    private readonly moduleRef: ModuleRef,
    registry: MetricsRegistry,
  ) {
    this.duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Duration of HTTP responses of this instance (seconds), by method, route template and status class.',
      labelNames: ['method', 'route', 'status_class'],
      buckets: HTTP_LATENCY_BUCKETS_MS.map((ms) => ms / 1000),
      registers: [registry],
    });
  }

  onModuleInit(): void {
    this.recorder = this.moduleRef.get(ErrorRateRecorder, { strict: false });
    this.unsubscribe = this.recorder.onResponse((s) => this.duration.observe({ method: s.method, route: s.route ?? 'unmatched', status_class: statusClassOf(s.status) }, s.durationMs / 1000));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /** Writes this instance's counts not yet flushed to Redis (so a read right after sees them). */
  async flush(): Promise<void> {
    await this.recorder?.flush();
  }

  /** The cluster's counts per route group over each window (minutes); see ErrorRateRecorder.routeGroupWindows. */
  async routeGroupWindows(windowsMinutes: readonly number[], now = Date.now()): Promise<Map<string, RouteGroupCounts>[]> {
    if (!this.recorder) return windowsMinutes.map(() => new Map());
    return this.recorder.routeGroupWindows(windowsMinutes, now);
  }
}
