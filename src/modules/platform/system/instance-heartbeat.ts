import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { REDIS } from '../../../common/redis';

/** Seconds between an instance's heartbeats. */
export const HEARTBEAT_INTERVAL_SECONDS = 10;
/** An instance whose last heartbeat is older than this (seconds) is no longer listed. */
export const INSTANCE_SEEN_WITHIN_SECONDS = 60;
const INSTANCES_KEY = 'system:instances';
const instanceKey = (id: string) => `system:instance:${id}`;

/** What an instance says about itself in each heartbeat. */
export interface InstanceInfo {
  instanceId: string;
  /** `version` of package.json. */
  version: string;
  /** Process start, ISO 8601 UTC. */
  startedAt: string;
  hostname: string;
  pid: number;
}

/** An instance as `GET /admin/system/services` lists it. */
export interface SeenInstance extends InstanceInfo {
  /** Last heartbeat, ISO 8601 UTC. */
  lastSeenAt: string;
  /** Seconds since `startedAt`, at the time of the answer. */
  uptimeSeconds: number;
  /** Whether it is the instance that answered. */
  self: boolean;
}

/** The `version` of the nearest package.json above this file (src/ and dist/src/ alike). */
function packageVersion(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    try {
      return String((JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? 'unknown');
    } catch {
      return 'unknown';
    }
  }
  return 'unknown';
}

/**
 * Every instance announces itself in Redis every {@link HEARTBEAT_INTERVAL_SECONDS} s: its info
 * under `system:instance:<id>` (expiring after {@link INSTANCE_SEEN_WITHIN_SECONDS} s) and its
 * last-seen time (ms) as its score in the sorted set `system:instances`. The list of instances is
 * those seen within the last minute; a graceful shutdown removes the instance's own entry at once,
 * a crashed one drops out after a minute. A heartbeat that fails is logged and retried at the next
 * tick (a per-process timer on purpose: each instance reports itself).
 */
@Injectable()
export class InstanceHeartbeat implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InstanceHeartbeat.name);
  private timer?: NodeJS.Timeout;
  /** This process's info. */
  readonly info: InstanceInfo;

  constructor(@Inject(REDIS) private readonly redis: Redis) {
    const host = hostname();
    this.info = {
      instanceId: `${host}-${process.pid}-${randomBytes(3).toString('hex')}`,
      version: packageVersion(),
      startedAt: new Date(Date.now() - Math.round(process.uptime() * 1000)).toISOString(),
      hostname: host,
      pid: process.pid,
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.beat().catch((err: Error) => this.logger.warn(`heartbeat failed: ${err.message}`));
    this.timer = setInterval(() => void this.beat().catch((err: Error) => this.logger.warn(`heartbeat failed: ${err.message}`)), HEARTBEAT_INTERVAL_SECONDS * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.redis
      .multi()
      .zrem(INSTANCES_KEY, this.info.instanceId)
      .del(instanceKey(this.info.instanceId))
      .exec()
      .catch(() => undefined);
  }

  /** Writes one heartbeat (and drops entries not seen within the last minute). */
  async beat(now = Date.now()): Promise<void> {
    await this.redis
      .multi()
      .set(instanceKey(this.info.instanceId), JSON.stringify(this.info), 'EX', INSTANCE_SEEN_WITHIN_SECONDS)
      .zadd(INSTANCES_KEY, now, this.info.instanceId)
      .zremrangebyscore(INSTANCES_KEY, '-inf', now - INSTANCE_SEEN_WITHIN_SECONDS * 1000)
      .expire(INSTANCES_KEY, INSTANCE_SEEN_WITHIN_SECONDS * 10)
      .exec();
  }

  /** Instances seen within the last minute, oldest start first. */
  async seen(now = Date.now()): Promise<SeenInstance[]> {
    const entries = await this.redis.zrangebyscore(INSTANCES_KEY, now - INSTANCE_SEEN_WITHIN_SECONDS * 1000, '+inf', 'WITHSCORES');
    const ids: { id: string; at: number }[] = [];
    for (let i = 0; i < entries.length; i += 2) ids.push({ id: entries[i], at: Number(entries[i + 1]) });
    if (!ids.length) return [];
    const infos = await this.redis.mget(ids.map((e) => instanceKey(e.id)));
    const out: SeenInstance[] = [];
    ids.forEach(({ id, at }, i) => {
      const raw = infos[i];
      if (!raw) return;
      const info = JSON.parse(raw) as InstanceInfo;
      out.push({
        ...info,
        lastSeenAt: new Date(at).toISOString(),
        uptimeSeconds: Math.max(0, Math.round((now - Date.parse(info.startedAt)) / 1000)),
        self: id === this.info.instanceId,
      });
    });
    return out.sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.instanceId.localeCompare(b.instanceId));
  }
}
