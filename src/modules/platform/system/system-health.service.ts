import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import Redis from 'ioredis';
import { constants as fsConstants } from 'node:fs';
import { access, statfs } from 'node:fs/promises';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { REDIS } from '../../../common/redis';
import { APP_CONFIG, AppConfig } from '../../../config';
import { OutboxLag, QueueStats } from '../metrics';

/** Longest a component probe may take before it counts as down, ms. */
export const PROBE_TIMEOUT_MS = 1000;
/** A PostgreSQL or Redis round trip slower than this (ms) is `degraded`. */
export const SLOW_PROBE_MS = 250;
/** A queue whose oldest waiting job is older than this (seconds) makes the queues `degraded`. */
export const QUEUE_WAIT_DEGRADED_SECONDS = 300;
/** An undispatched outbox event older than this (seconds) makes the outbox `degraded`. */
export const OUTBOX_LAG_DEGRADED_SECONDS = 60;
/** Free space of the export store below this fraction of its disk is `degraded`. */
export const EXPORT_STORE_MIN_FREE_RATIO = 0.05;

/** Component status, best to worst. */
export const COMPONENT_STATUSES = ['up', 'degraded', 'down'] as const;
export type ComponentStatus = (typeof COMPONENT_STATUSES)[number];

/** One component's probe result. */
export interface ComponentHealth {
  name: 'postgres' | 'redis' | 'queues' | 'outbox' | 'exportStore';
  status: ComponentStatus;
  /** Time the probe took, ms (1 decimal). */
  latencyMs: number;
  /** What was measured (component-specific), or the error. */
  detail: Record<string, unknown>;
}

/** The worst of the statuses (`up` for none). */
export function worstStatus(statuses: readonly ComponentStatus[]): ComponentStatus {
  return statuses.reduce<ComponentStatus>((w, s) => (COMPONENT_STATUSES.indexOf(s) > COMPONENT_STATUSES.indexOf(w) ? s : w), 'up');
}

class ProbeTimeout extends Error {}

/** Runs `probe` within {@link PROBE_TIMEOUT_MS}; a throw or a timeout is `down` with the message. */
async function timed(name: ComponentHealth['name'], probe: () => Promise<{ status: ComponentStatus; detail: Record<string, unknown> }>): Promise<ComponentHealth> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const result = await Promise.race([
      probe(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ProbeTimeout(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
      }),
    ]);
    return { name, ...result, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  } catch (err) {
    return { name, status: 'down', latencyMs: Math.round((performance.now() - started) * 10) / 10, detail: { error: err instanceof ProbeTimeout ? err.message : (err as Error).message || String(err) } };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The system health report for staff: PostgreSQL, Redis, the Bull queues, the outbox lag and the
 * export store's disk, probed side by side, each within {@link PROBE_TIMEOUT_MS} (so the report
 * answers in about a second whatever hangs). `status` is the worst component's. Unlike the
 * readiness probe this is a report: a failing component is `down` in a 200 answer.
 */
@Injectable()
export class SystemHealth {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly queueStats: QueueStats,
    private readonly outboxLag: OutboxLag,
  ) {}

  /** Every component's health and the overall status. */
  async check(): Promise<{ status: ComponentStatus; checkedAt: string; components: ComponentHealth[] }> {
    const checkedAt = new Date().toISOString();
    const components = await Promise.all([this.postgres(), this.redisPing(), this.queues(), this.outbox(), this.exportStore()]);
    return { status: worstStatus(components.map((c) => c.status)), checkedAt, components };
  }

  private postgres(): Promise<ComponentHealth> {
    return timed('postgres', async () => {
      const started = performance.now();
      await this.txHost.tx.query('SELECT 1');
      const ms = performance.now() - started;
      return { status: ms > SLOW_PROBE_MS ? 'degraded' : 'up', detail: { query: 'SELECT 1' } };
    });
  }

  private redisPing(): Promise<ComponentHealth> {
    return timed('redis', async () => {
      const started = performance.now();
      const pong = await this.redis.ping();
      const ms = performance.now() - started;
      return { status: ms > SLOW_PROBE_MS ? 'degraded' : 'up', detail: { reply: pong } };
    });
  }

  private queues(): Promise<ComponentHealth> {
    return timed('queues', async () => {
      const queues = await this.queueStats.all();
      const stalled = queues.filter((q) => (q.oldestWaitingAgeSeconds ?? 0) > QUEUE_WAIT_DEGRADED_SECONDS).map((q) => q.name);
      return {
        status: stalled.length ? 'degraded' : 'up',
        detail: { queues, ...(stalled.length ? { waitingLongerThanSeconds: QUEUE_WAIT_DEGRADED_SECONDS, stalled } : {}) },
      };
    });
  }

  private outbox(): Promise<ComponentHealth> {
    return timed('outbox', async () => {
      const lag = await this.outboxLag.read();
      return { status: lag.oldestAgeSeconds > OUTBOX_LAG_DEGRADED_SECONDS ? 'degraded' : 'up', detail: { ...lag, degradedAfterSeconds: OUTBOX_LAG_DEGRADED_SECONDS } };
    });
  }

  private exportStore(): Promise<ComponentHealth> {
    return timed('exportStore', async () => {
      const path = resolve(this.config.exportsDir);
      try {
        await access(path, fsConstants.W_OK | fsConstants.R_OK);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        return { status: 'down', detail: { path: this.config.exportsDir, error: code === 'ENOENT' ? 'the directory does not exist' : `not readable and writable (${code ?? 'error'})` } };
      }
      const s = await statfs(path);
      const totalBytes = s.blocks * s.bsize;
      const freeBytes = s.bavail * s.bsize;
      const freeRatio = totalBytes ? freeBytes / totalBytes : 0;
      return {
        status: freeRatio < EXPORT_STORE_MIN_FREE_RATIO ? 'degraded' : 'up',
        detail: { path: this.config.exportsDir, freeBytes, totalBytes, freeRatio: Math.round(freeRatio * 10_000) / 10_000 },
      };
    });
  }
}
