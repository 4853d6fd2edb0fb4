import { Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import Bull from 'bull';

/** One Bull queue's jobs right now (cluster-wide: the counts live in Redis). */
export interface QueueStat {
  /** Queue name as registered (`webhooks`, `outbox`, …; Redis keys `cp:<name>:*`). */
  name: string;
  waiting: number;
  /** Jobs being processed now (Bull's `active` state). */
  running: number;
  delayed: number;
  failed: number;
  paused: number;
  /** Age of the oldest waiting job (now − its creation time), seconds; null when none waits. */
  oldestWaitingAgeSeconds: number | null;
}

/**
 * Job counts of every Bull queue of the application (waiting, running, delayed, failed, paused,
 * oldest waiting age), for the system health, the Prometheus gauges and the jobs API. The queues
 * are the instances the contexts register with `BullModule.registerQueue`, found through Nest's
 * discovery (so a queue added later is listed without a change here, and no second connection is
 * opened).
 */
@Injectable()
export class QueueStats {
  private found?: Bull.Queue[];

  constructor(private readonly discovery: DiscoveryService) {}

  /** The application's queues, sorted by name (discovered once). */
  queues(): Bull.Queue[] {
    if (!this.found) {
      const byName = new Map<string, Bull.Queue>();
      for (const wrapper of this.discovery.getProviders()) {
        const instance: unknown = wrapper.instance;
        if (instance instanceof Bull && !byName.has(instance.name)) byName.set(instance.name, instance);
      }
      this.found = [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
    }
    return this.found;
  }

  /** Counts of one queue; `now` in ms since the epoch (the age of its oldest waiting job). */
  async statOf(queue: Bull.Queue, now = Date.now()): Promise<QueueStat> {
    const [counts, oldest] = await Promise.all([queue.getJobCounts(), queue.getJobs(['waiting'], 0, 0, true)]);
    const c = counts as Bull.JobCounts & { paused?: number };
    const created = oldest[0]?.timestamp;
    return {
      name: queue.name,
      waiting: c.waiting ?? 0,
      running: c.active ?? 0,
      delayed: c.delayed ?? 0,
      failed: c.failed ?? 0,
      paused: c.paused ?? 0,
      oldestWaitingAgeSeconds: typeof created === 'number' ? Math.max(0, Math.round((now - created) / 100) / 10) : null,
    };
  }

  /** Counts of every queue, by name. */
  async all(now = Date.now()): Promise<QueueStat[]> {
    return Promise.all(this.queues().map((q) => this.statOf(q, now)));
  }
}
