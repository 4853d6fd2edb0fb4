import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Request, Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { Gauge } from 'prom-client';
import { requestIdOf } from '../../../common/context';
import { errorEntry, ErrorCode, PROBLEM_JSON, problemTypeOf } from '../../../common/errors';
import { APP_CONFIG, AppConfig } from '../../../config';
import { PLATFORM_ERRORS } from '../errors';
import { OutboxLag, OutboxLagStat } from './outbox-lag';
import { QueueStat, QueueStats } from './queue-stats';
import { MetricsRegistry } from './runtime-metrics.service';

/** Path of the Prometheus scrape endpoint (outside /api/v1, not in the OpenAPI document). */
export const METRICS_PATH = '/metrics';
/** How long one scrape's queue and outbox readings are reused by the other gauges of the same scrape, ms. */
const READING_TTL_MS = 1000;

/** Whether `presented` equals `expected`, compared in constant time (SHA-256 of both, so lengths do not leak). */
export function tokenMatches(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** A reading cached for {@link READING_TTL_MS}, so gauges collected in one scrape share one query. */
function cached<T>(read: () => Promise<T>): () => Promise<T> {
  let at = 0;
  let value: Promise<T> | undefined;
  return () => {
    if (!value || Date.now() - at > READING_TTL_MS) {
      at = Date.now();
      value = read().catch((err: unknown) => {
        value = undefined;
        throw err;
      });
    }
    return value;
  };
}

/**
 * `GET /metrics`: the {@link MetricsRegistry} in the Prometheus text format (default process
 * metrics, PostgreSQL pool, `http_request_duration_seconds`, Bull queue and outbox gauges read at
 * scrape time). Registered on the HTTP adapter directly — not a controller — so it sits outside
 * the /api/v1 prefix, the OpenAPI document and the JWT guard chain, which a scraper does not fit.
 * Protection: `Authorization: Bearer <METRICS_TOKEN>` (constant-time compare), 401 otherwise;
 * without METRICS_TOKEN the endpoint is disabled and answers 404 `metrics_disabled`.
 *
 * Gauges: `bull_queue_jobs{queue,state}` (state waiting|active|delayed|failed|paused),
 * `bull_queue_oldest_waiting_age_seconds{queue}`, `outbox_undispatched_events`,
 * `outbox_oldest_undispatched_age_seconds`.
 */
@Injectable()
export class MetricsEndpoint implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly registry: MetricsRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    queueStats: QueueStats,
    outboxLag: OutboxLag,
  ) {
    const registers = [registry];
    const queues = cached<QueueStat[]>(() => queueStats.all());
    const outbox = cached<OutboxLagStat>(() => outboxLag.read());
    new Gauge({
      name: 'bull_queue_jobs',
      help: 'Jobs of each Bull queue by state, Bull\'s names (cluster-wide, read from Redis at scrape time).',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        this.reset();
        for (const q of await queues()) for (const [state, n] of [['waiting', q.waiting], ['active', q.running], ['delayed', q.delayed], ['failed', q.failed], ['paused', q.paused]] as const) this.set({ queue: q.name, state }, n);
      },
    });
    new Gauge({
      name: 'bull_queue_oldest_waiting_age_seconds',
      help: 'Age of the oldest waiting job of each Bull queue (seconds; 0 when none waits).',
      labelNames: ['queue'],
      registers,
      async collect() {
        this.reset();
        for (const q of await queues()) this.set({ queue: q.name }, q.oldestWaitingAgeSeconds ?? 0);
      },
    });
    new Gauge({
      name: 'outbox_undispatched_events',
      help: 'Domain events committed to the outbox and not yet dispatched.',
      registers,
      async collect() {
        this.set((await outbox()).undispatched);
      },
    });
    new Gauge({
      name: 'outbox_oldest_undispatched_age_seconds',
      help: 'Age of the oldest undispatched outbox event (seconds; 0 when none).',
      registers,
      async collect() {
        this.set((await outbox()).oldestAgeSeconds);
      },
    });
  }

  /** Mounts the route (after the controllers' routes, before the not-found handler). */
  onModuleInit(): void {
    const adapter = this.adapterHost?.httpAdapter;
    if (!adapter) return;
    adapter.get(METRICS_PATH, (req: Request, res: Response) => void this.serve(req, res));
  }

  private async serve(req: Request, res: Response): Promise<void> {
    const expected = this.config.metricsToken;
    if (!expected) return this.problem(req, res, PLATFORM_ERRORS.metrics_disabled.status, 'metrics_disabled', 'The metrics endpoint is disabled: METRICS_TOKEN is not set.');
    const header = req.headers.authorization ?? '';
    const presented = /^Bearer (.+)$/i.exec(header)?.[1]?.trim();
    if (!presented) return this.problem(req, res, 401, 'unauthorized', 'A bearer token (METRICS_TOKEN) is required.', true);
    if (!tokenMatches(presented, expected)) return this.problem(req, res, 401, 'invalid_token', 'The bearer token is not the metrics token.', true);
    try {
      const text = await this.registry.metrics();
      res.status(200).setHeader('Content-Type', this.registry.contentType);
      res.setHeader('Cache-Control', 'no-store');
      res.send(text);
    } catch {
      this.problem(req, res, 500, 'internal_error', 'The metrics could not be collected.');
    }
  }

  private problem(req: Request, res: Response, status: number, code: ErrorCode, detail: string, challenge = false): void {
    const entry = errorEntry(code);
    if (challenge) res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
    res
      .status(status)
      .type(PROBLEM_JSON)
      .send(JSON.stringify({ type: problemTypeOf(code), title: entry?.title ?? 'Error', status, detail, code, requestId: requestIdOf(req, res) }));
  }
}
