import type { Pool } from 'pg';
import { performance } from 'node:perf_hooks';

/**
 * A pool acquisition that waits longer than this (ms) counts as the pool being exhausted and is
 * reported in the warning log. 20 ms is far above what a free idle client (< 1 ms) or opening a
 * new connection on a local network (a few ms) costs, so a longer wait means every connection
 * was busy and the request queued behind others.
 */
export const POOL_WAIT_WARN_THRESHOLD_MS = 20;

/** The pool-exhausted warning is logged at most once per this many ms (per process). */
export const POOL_WAIT_WARN_INTERVAL_MS = 10_000;

/**
 * Decides when to log the pool-exhausted warning (pure; the clock is a parameter). Waits above
 * {@link POOL_WAIT_WARN_THRESHOLD_MS} are counted; the first one after a quiet interval of
 * {@link POOL_WAIT_WARN_INTERVAL_MS} returns the message, which summarises every slow wait
 * counted since the previous message (how many, and the longest).
 */
export class PoolWaitReporter {
  private slowWaits = 0;
  private longestMs = 0;
  private lastReportAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly poolMax: () => number,
    private readonly thresholdMs = POOL_WAIT_WARN_THRESHOLD_MS,
    private readonly intervalMs = POOL_WAIT_WARN_INTERVAL_MS,
  ) {}

  /**
   * Records one acquisition that waited `waitMs` at time `nowMs` (ms, monotonic). Returns the
   * warning to log now, or null (wait under the threshold, or a warning was logged too recently).
   */
  record(waitMs: number, nowMs: number): string | null {
    if (!(waitMs > this.thresholdMs)) return null;
    this.slowWaits += 1;
    this.longestMs = Math.max(this.longestMs, waitMs);
    if (nowMs - this.lastReportAt < this.intervalMs) return null;
    const message =
      `PostgreSQL pool exhausted: ${this.slowWaits} request${this.slowWaits === 1 ? '' : 's'} waited up to ` +
      `${Math.round(this.longestMs)} ms for a connection (pool max ${this.poolMax()})`;
    this.lastReportAt = nowMs;
    this.slowWaits = 0;
    this.longestMs = 0;
    return message;
  }
}

type ConnectCallback = (err: Error | undefined, client: unknown, release: unknown) => void;
type ConnectFn = (callback?: ConnectCallback) => Promise<unknown> | void;

/**
 * Wraps `pool.connect` (both its callback form, which TypeORM and `pool.query` use, and its promise
 * form) so that `onAcquired(waitSeconds, queued)` is called when each call obtains a client — or
 * fails to (connection error, `connectionTimeoutMillis`): the time from the call to the outcome, in
 * seconds, including any time spent queued while the pool was exhausted. `queued` says the pool had
 * no idle client and was at its maximum when the call was made, so the call had to wait for another
 * request to release one (a slow wait with `queued` false is a slow new connection instead).
 * Returns a function that restores the original `connect`.
 */
export function instrumentPoolConnect(pool: Pool, onAcquired: (waitSeconds: number, queued: boolean) => void): () => void {
  const target = pool as unknown as { connect: ConnectFn };
  // pg hands out an idle client first, else opens one while under `max`, else queues the request.
  const exhausted = () => pool.idleCount === 0 && pool.totalCount >= (pool.options?.max ?? 10);
  const original = target.connect;
  const wrapped: ConnectFn = function (this: unknown, callback?: ConnectCallback) {
    const queued = exhausted();
    const started = performance.now();
    const done = () => {
      try {
        onAcquired((performance.now() - started) / 1000, queued);
      } catch {
        // Metrics never break a query.
      }
    };
    if (typeof callback === 'function') {
      return original.call(this, (err, client, release) => {
        done();
        callback(err, client, release);
      });
    }
    return (original.call(this) as Promise<unknown>).then(
      (client) => {
        done();
        return client;
      },
      (err: unknown) => {
        done();
        throw err;
      },
    );
  };
  target.connect = wrapped;
  return () => {
    if (target.connect === wrapped) target.connect = original;
  };
}

/** One cumulative histogram bucket: `count` observations were ≤ `le` (seconds; `Infinity` for +Inf). */
export interface CumulativeBucket {
  le: number;
  count: number;
}

/**
 * Estimates the q-quantile (0..1) of a cumulative histogram the way PromQL's `histogram_quantile`
 * does: linear interpolation inside the bucket that holds the rank, lower bound 0 for the first
 * bucket; a rank in the +Inf bucket answers the largest finite bound. Returns 0 with no
 * observations. Units are those of the bucket bounds.
 */
export function histogramQuantile(q: number, buckets: readonly CumulativeBucket[]): number {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.at(-1)?.count ?? 0;
  if (total === 0) return 0;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const bucket of sorted) {
    if (bucket.count >= rank) {
      if (!Number.isFinite(bucket.le)) return lowerBound;
      const inBucket = bucket.count - lowerCount;
      if (inBucket <= 0) return bucket.le;
      return lowerBound + (bucket.le - lowerBound) * ((rank - lowerCount) / inBucket);
    }
    lowerBound = Number.isFinite(bucket.le) ? bucket.le : lowerBound;
    lowerCount = bucket.count;
  }
  return lowerBound;
}
