import { Inject, Injectable, Logger, NestMiddleware, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import Redis from 'ioredis';
import { performance } from 'node:perf_hooks';
import { REDIS } from '../../../common/redis/redis.module';

/** Seconds between flushes of an instance's counts to Redis. */
export const ERROR_RATE_FLUSH_SECONDS = 10;
/** Minutes the per-minute counts are kept in Redis. */
const KEEP_MINUTES = 120;
const key = (minute: number) => `alerts:http:${minute}`;

/** Responses of the API in a window: all, and those with a 5xx status. */
export interface ErrorRate {
  requests: number;
  errors: number;
}

/**
 * Upper bounds (ms, inclusive) of the fixed latency buckets of the per-route-group windows; one
 * more bucket above the last bound counts the slower responses (+Inf). Fixed bounds are what lets
 * the counts of any instances and minutes be added bucket by bucket and percentiles be estimated
 * from the sum (as PromQL's histogram_quantile does over Prometheus histograms).
 */
export const HTTP_LATENCY_BUCKETS_MS: readonly number[] = Object.freeze([5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000]);
/** Minutes the per-route-group counts are kept in Redis: the longest window (24 h) and a margin. */
export const ROUTE_WINDOW_KEEP_MINUTES = 24 * 60 + 10;
const routeKey = (minute: number) => `system:http:${minute}`;

/** One answered request, as the recorder's listeners see it. */
export interface HttpResponseSample {
  method: string;
  /** Route template (`/api/v1/admin/tenants/:tenantId`), never the raw path; null when no route matched (404 of an unknown path). */
  route: string | null;
  /** Route group: see {@link routeGroupOf}. */
  group: string;
  status: number;
  /** Time from the request reaching the middleware to the response finishing, ms. */
  durationMs: number;
  /** When the response finished, ms since the epoch. */
  at: number;
}

/** Responses of one route group in a window, with the latency histogram (non-cumulative buckets). */
export interface RouteGroupCounts {
  requests: number;
  /** Responses with a 5xx status. */
  serverErrors: number;
  /** Responses with a 4xx status. */
  clientErrors: number;
  /** Sum of the response durations, ms (rounded per response). */
  durationMsSum: number;
  /** Responses per latency bucket: index i counts durations ≤ HTTP_LATENCY_BUCKETS_MS[i] and above the previous bound; the last index is above the last bound. */
  buckets: number[];
}

/** An empty {@link RouteGroupCounts}. */
export function emptyRouteGroupCounts(): RouteGroupCounts {
  return { requests: 0, serverErrors: 0, clientErrors: 0, durationMsSum: 0, buckets: new Array<number>(HTTP_LATENCY_BUCKETS_MS.length + 1).fill(0) };
}

/**
 * The route group of a route template: the first path segment after `/api/v1` (`admin`, `tenant`,
 * `service`, `auth`, `oauth`, …), or the first segment of a route outside the API (`health`,
 * `metrics`); `unmatched` when no route matched (so unknown paths cannot create groups).
 */
export function routeGroupOf(route: string | null | undefined): string {
  if (!route) return 'unmatched';
  const rest = route.replace(/^\/api\/v\d+(?=\/|$)/, '');
  const first = rest.split('/').find((s) => s.length > 0) ?? '';
  return /^[a-z][a-z0-9-]{0,39}$/.test(first) ? first : 'other';
}

/** Index of the latency bucket of a duration (ms) in {@link RouteGroupCounts.buckets}. */
export function latencyBucketOf(durationMs: number): number {
  const i = HTTP_LATENCY_BUCKETS_MS.findIndex((le) => durationMs <= le);
  return i === -1 ? HTTP_LATENCY_BUCKETS_MS.length : i;
}

/**
 * The service measuring its own responses: every API response is counted per UTC minute in memory
 * (no I/O on the request path) and added to Redis hashes per minute every 10 s, so the figures are
 * the cluster's, whatever instance answered:
 * - the 5xx rate of the `error_rate_spike` alert (`alerts:http:<minute>`, kept 2 h);
 * - per route group, counts, 4xx/5xx and a fixed-bucket latency histogram (`system:http:<minute>`,
 *   kept 24 h), read by the system metrics of the operations context ({@link routeGroupWindows});
 * - listeners ({@link onResponse}) see each response as it finishes (the Prometheus histogram).
 */
@Injectable()
export class ErrorRateRecorder implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ErrorRateRecorder.name);
  private pending = new Map<number, ErrorRate>();
  private pendingGroups = new Map<number, Map<string, RouteGroupCounts>>();
  private readonly listeners = new Set<(sample: HttpResponseSample) => void>();
  private timer?: NodeJS.Timeout;

  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush().catch((err: Error) => this.logger.warn(`error-rate flush failed: ${err.message}`)), ERROR_RATE_FLUSH_SECONDS * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush().catch(() => undefined);
  }

  /**
   * Counts one response with `status` at `at` (ms since the epoch). With `detail` (route template
   * and duration in ms) it also joins its route group's counts and latency histogram and is passed
   * to the listeners.
   */
  record(status: number, at = Date.now(), detail?: { method: string; route: string | null; durationMs: number }): void {
    const minute = Math.floor(at / 60_000);
    const c = this.pending.get(minute) ?? { requests: 0, errors: 0 };
    c.requests++;
    if (status >= 500) c.errors++;
    this.pending.set(minute, c);
    if (!detail) return;
    const group = routeGroupOf(detail.route);
    const groups = this.pendingGroups.get(minute) ?? new Map<string, RouteGroupCounts>();
    const g = groups.get(group) ?? emptyRouteGroupCounts();
    g.requests++;
    if (status >= 500) g.serverErrors++;
    else if (status >= 400) g.clientErrors++;
    g.durationMsSum += Math.round(detail.durationMs);
    g.buckets[latencyBucketOf(detail.durationMs)]++;
    groups.set(group, g);
    this.pendingGroups.set(minute, groups);
    if (!this.listeners.size) return;
    const sample: HttpResponseSample = { ...detail, group, status, at };
    for (const listener of this.listeners) {
      try {
        listener(sample);
      } catch {
        // A listener never breaks the response path.
      }
    }
  }

  /** Calls `listener` with every recorded response (after it finished); returns the unsubscribe function. */
  onResponse(listener: (sample: HttpResponseSample) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Adds the counts so far to Redis (HINCRBY per minute, in one pipeline). */
  async flush(): Promise<void> {
    if (!this.pending.size && !this.pendingGroups.size) return;
    const batch = this.pending;
    const groupBatch = this.pendingGroups;
    this.pending = new Map();
    this.pendingGroups = new Map();
    const pipeline = this.redis.pipeline();
    for (const [minute, c] of batch) {
      pipeline.hincrby(key(minute), 'requests', c.requests).hincrby(key(minute), 'errors', c.errors).expire(key(minute), KEEP_MINUTES * 60);
    }
    for (const [minute, groups] of groupBatch) {
      const k = routeKey(minute);
      for (const [group, g] of groups) {
        pipeline.hincrby(k, `${group}|n`, g.requests).hincrby(k, `${group}|s`, g.durationMsSum);
        if (g.serverErrors) pipeline.hincrby(k, `${group}|e5`, g.serverErrors);
        if (g.clientErrors) pipeline.hincrby(k, `${group}|e4`, g.clientErrors);
        g.buckets.forEach((n, i) => n && pipeline.hincrby(k, `${group}|b${i}`, n));
      }
      pipeline.expire(k, ROUTE_WINDOW_KEEP_MINUTES * 60);
    }
    await pipeline.exec();
  }

  /**
   * The cluster's responses per route group over each window of `windowsMinutes` (e.g. 5, 60,
   * 1440), read from the per-minute hashes: a window of N minutes is the current (partial) UTC
   * minute and the N − 1 before it, so it covers between N − 1 and N minutes. Counts an instance
   * has not flushed yet (at most ~10 s) are not included; call {@link flush} first for this
   * instance's own. Returns one map per window, in the order asked, keyed by group.
   */
  async routeGroupWindows(windowsMinutes: readonly number[], now = Date.now()): Promise<Map<string, RouteGroupCounts>[]> {
    const longest = Math.min(Math.max(1, ...windowsMinutes), ROUTE_WINDOW_KEEP_MINUTES);
    const current = Math.floor(now / 60_000);
    const pipeline = this.redis.pipeline();
    for (let back = 0; back < longest; back++) pipeline.hgetall(routeKey(current - back));
    const minutes = ((await pipeline.exec()) ?? []).map(([, v]) => parseRouteMinute((v as Record<string, string> | null) ?? {}));
    return windowsMinutes.map((w) => {
      const out = new Map<string, RouteGroupCounts>();
      for (const minute of minutes.slice(0, Math.max(1, w))) {
        for (const [group, g] of minute) out.set(group, addRouteGroupCounts(out.get(group) ?? emptyRouteGroupCounts(), g));
      }
      return out;
    });
  }

  /** The cluster's responses in the `minutes` whole minutes before `now` (the current minute excluded). */
  async window(minutes: number, now = Date.now()): Promise<ErrorRate> {
    const last = Math.floor(now / 60_000) - 1;
    const pipeline = this.redis.pipeline();
    for (let m = last - minutes + 1; m <= last; m++) pipeline.hmget(key(m), 'requests', 'errors');
    const out: ErrorRate = { requests: 0, errors: 0 };
    for (const [, v] of (await pipeline.exec()) ?? []) {
      const [requests, errors] = (v as (string | null)[]) ?? [];
      out.requests += Number(requests ?? 0);
      out.errors += Number(errors ?? 0);
    }
    return out;
  }
}

/** The sum of two {@link RouteGroupCounts} (bucket by bucket; a new object). */
export function addRouteGroupCounts(a: RouteGroupCounts, b: RouteGroupCounts): RouteGroupCounts {
  return {
    requests: a.requests + b.requests,
    serverErrors: a.serverErrors + b.serverErrors,
    clientErrors: a.clientErrors + b.clientErrors,
    durationMsSum: a.durationMsSum + b.durationMsSum,
    buckets: a.buckets.map((n, i) => n + (b.buckets[i] ?? 0)),
  };
}

/** One minute's hash (`<group>|n`, `|s`, `|e4`, `|e5`, `|b<i>`) as counts per group. */
function parseRouteMinute(hash: Record<string, string>): Map<string, RouteGroupCounts> {
  const out = new Map<string, RouteGroupCounts>();
  for (const [field, value] of Object.entries(hash)) {
    const [group, part] = field.split('|');
    if (!group || !part) continue;
    const g = out.get(group) ?? emptyRouteGroupCounts();
    const n = Number(value) || 0;
    if (part === 'n') g.requests += n;
    else if (part === 's') g.durationMsSum += n;
    else if (part === 'e5') g.serverErrors += n;
    else if (part === 'e4') g.clientErrors += n;
    else if (part.startsWith('b')) {
      const i = Number(part.slice(1));
      if (Number.isInteger(i) && i >= 0 && i < g.buckets.length) g.buckets[i] += n;
    }
    out.set(group, g);
  }
  return out;
}

/**
 * Counts every response into the {@link ErrorRateRecorder} when it finishes, with its route
 * template (Express's matched route, read after routing) and its duration in ms.
 */
@Injectable()
export class ErrorRateMiddleware implements NestMiddleware {
  constructor(private readonly recorder: ErrorRateRecorder) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const started = performance.now();
    res.on('finish', () => {
      const path = (req.route as { path?: unknown } | undefined)?.path;
      // A wildcard template is a catch-all (the middleware's own mount), not a matched API route.
      const route = typeof path === 'string' && !path.includes('*') ? path : null;
      this.recorder.record(res.statusCode, Date.now(), { method: req.method, route, durationMs: performance.now() - started });
    });
    next();
  }
}
