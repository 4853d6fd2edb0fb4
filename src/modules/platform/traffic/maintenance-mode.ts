import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { ActorType } from '../../../common/context';
import { REDIS } from '../../../common/redis';
import { Clock } from '../../../common/time';
import { MaintenanceError, wholeSeconds } from './traffic.errors';

/** Redis key of the maintenance state (one for the cluster). */
export const MAINTENANCE_KEY = 'cp:maintenance';
/** How often each instance reads the state from Redis, ms: every instance sees a change within this. */
export const MAINTENANCE_REFRESH_MS = 1000;
/** Retry-After of a maintenance without an announced end, seconds. */
export const MAINTENANCE_DEFAULT_RETRY_AFTER_SECONDS = 300;
/** The message tenants read when staff give none. */
export const DEFAULT_MAINTENANCE_MESSAGE = 'The platform is down for maintenance; please retry later.';

/** A maintenance window: the message tenants read, when it ends (exclusive; null: when staff end it), who started it and when. */
export interface MaintenanceWindow {
  message: string;
  until: Date | null;
  startedAt: Date;
  startedBy: { type: ActorType; id: string | null; email: string | null } | null;
}

interface StoredWindow {
  message: string;
  until: string | null;
  startedAt: string;
  startedBy: MaintenanceWindow['startedBy'];
}

/**
 * Maintenance mode of the cluster. The state lives in Redis (one key, so every instance sees the
 * same); each instance keeps a copy in memory, refreshed every {@link MAINTENANCE_REFRESH_MS}, so
 * the check on every request costs no round trip. A window with `until` ends by itself: the
 * check compares `until` with the clock (and the key expires soon after), no job is needed.
 * When Redis cannot be read, an instance keeps the last state it read (logged): a Redis outage
 * neither starts nor ends a maintenance by itself.
 */
@Injectable()
export class MaintenanceMode implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(MaintenanceMode.name);
  private cached: MaintenanceWindow | null = null;
  private timer: NodeJS.Timeout | null = null;
  private failing = false;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly clock: Clock,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), MAINTENANCE_REFRESH_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The window in force now, from memory (no I/O); null when none or when its `until` has passed. */
  current(): MaintenanceWindow | null {
    const w = this.cached;
    if (!w || (w.until && w.until.getTime() <= this.clock.now().getTime())) return null;
    return w;
  }

  /** @throws MaintenanceError (503 `maintenance`, Retry-After) while a window is in force. */
  assertOpen(): void {
    const w = this.current();
    if (!w) return;
    const retryAfter = w.until ? wholeSeconds(w.until.getTime() - this.clock.now().getTime()) : MAINTENANCE_DEFAULT_RETRY_AFTER_SECONDS;
    throw new MaintenanceError(w.message, w.until, retryAfter);
  }

  /** The window in force, read from Redis (the cluster's truth, for the staff route). @throws a Redis error */
  async read(): Promise<MaintenanceWindow | null> {
    const w = parse(await this.redis.get(MAINTENANCE_KEY));
    this.cached = w;
    return w && (!w.until || w.until.getTime() > this.clock.now().getTime()) ? w : null;
  }

  /** Starts (or replaces) the window for the whole cluster; this instance applies it at once, the others within a refresh. */
  async start(window: MaintenanceWindow): Promise<void> {
    const stored: StoredWindow = { ...window, until: window.until?.toISOString() ?? null, startedAt: window.startedAt.toISOString() };
    const value = JSON.stringify(stored);
    // The key outlives `until` by a minute (the check ends the window at `until`; this only cleans up).
    if (window.until) await this.redis.set(MAINTENANCE_KEY, value, 'PXAT', window.until.getTime() + 60_000);
    else await this.redis.set(MAINTENANCE_KEY, value);
    this.cached = window;
  }

  /** Ends the window for the whole cluster. */
  async end(): Promise<void> {
    await this.redis.del(MAINTENANCE_KEY);
    this.cached = null;
  }

  private async refresh(): Promise<void> {
    try {
      this.cached = parse(await this.redis.get(MAINTENANCE_KEY));
      if (this.failing) this.logger.log('maintenance state readable again');
      this.failing = false;
    } catch (err) {
      if (!this.failing) this.logger.warn(`maintenance state unreadable, keeping the last one: ${(err as Error).message}`);
      this.failing = true;
    }
  }
}

function parse(raw: string | null): MaintenanceWindow | null {
  if (!raw) return null;
  const s = JSON.parse(raw) as StoredWindow;
  return { message: s.message, until: s.until ? new Date(s.until) : null, startedAt: new Date(s.startedAt), startedBy: s.startedBy ?? null };
}
