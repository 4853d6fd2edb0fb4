import { Inject, Injectable, Logger, NestMiddleware, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import Redis from 'ioredis';
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
 * The service measuring its own 5xx rate, for the `error_rate_spike` alert: every API response is
 * counted per UTC minute in memory (no I/O on the request path) and added to a Redis hash per
 * minute every 10 s, so the rate is the cluster's, whatever instance answered.
 */
@Injectable()
export class ErrorRateRecorder implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ErrorRateRecorder.name);
  private pending = new Map<number, ErrorRate>();
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

  /** Counts one response with `status` at `at`. */
  record(status: number, at = Date.now()): void {
    const minute = Math.floor(at / 60_000);
    const c = this.pending.get(minute) ?? { requests: 0, errors: 0 };
    c.requests++;
    if (status >= 500) c.errors++;
    this.pending.set(minute, c);
  }

  /** Adds the counts so far to Redis (HINCRBY per minute, in one pipeline). */
  async flush(): Promise<void> {
    if (!this.pending.size) return;
    const batch = this.pending;
    this.pending = new Map();
    const pipeline = this.redis.pipeline();
    for (const [minute, c] of batch) {
      pipeline.hincrby(key(minute), 'requests', c.requests).hincrby(key(minute), 'errors', c.errors).expire(key(minute), KEEP_MINUTES * 60);
    }
    await pipeline.exec();
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

/** Counts every API response into the {@link ErrorRateRecorder} when it finishes. */
@Injectable()
export class ErrorRateMiddleware implements NestMiddleware {
  constructor(private readonly recorder: ErrorRateRecorder) {}

  use(_req: Request, res: Response, next: NextFunction): void {
    res.on('finish', () => this.recorder.record(res.statusCode));
    next();
  }
}
