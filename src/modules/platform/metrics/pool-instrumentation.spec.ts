import type { Pool } from 'pg';
import { histogramQuantile, instrumentPoolConnect, POOL_WAIT_WARN_INTERVAL_MS, POOL_WAIT_WARN_THRESHOLD_MS, PoolWaitReporter } from './pool-instrumentation';

describe('PoolWaitReporter', () => {
  it('ignores waits at or under the 20 ms threshold', () => {
    const r = new PoolWaitReporter(() => 20);
    expect(POOL_WAIT_WARN_THRESHOLD_MS).toBe(20);
    expect(r.record(20, 0)).toBeNull();
    expect(r.record(3, 1)).toBeNull();
  });

  it('warns on the first slow wait, then at most once per 10 s with the count and longest wait since the last warning', () => {
    const r = new PoolWaitReporter(() => 2);
    expect(POOL_WAIT_WARN_INTERVAL_MS).toBe(10_000);
    expect(r.record(35.4, 1000)).toBe('PostgreSQL pool exhausted: 1 request waited up to 35 ms for a connection (pool max 2)');
    expect(r.record(400, 2000)).toBeNull();
    expect(r.record(120, 9999)).toBeNull();
    expect(r.record(5, 11_500)).toBeNull();
    expect(r.record(60, 11_600)).toBe('PostgreSQL pool exhausted: 3 requests waited up to 400 ms for a connection (pool max 2)');
    expect(r.record(70, 12_000)).toBeNull();
  });
});

describe('histogramQuantile', () => {
  it('answers 0 without observations', () => {
    expect(histogramQuantile(0.99, [{ le: 0.1, count: 0 }, { le: Infinity, count: 0 }])).toBe(0);
  });

  it('interpolates linearly inside the bucket holding the rank (PromQL histogram_quantile)', () => {
    const buckets = [
      { le: 0.01, count: 90 },
      { le: 0.1, count: 100 },
      { le: Infinity, count: 100 },
    ];
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(0.01 * (50 / 90));
    expect(histogramQuantile(0.99, buckets)).toBeCloseTo(0.01 + 0.09 * (9 / 10));
  });

  it('answers the largest finite bound when the rank falls in +Inf', () => {
    expect(histogramQuantile(0.99, [{ le: Infinity, count: 10 }, { le: 1, count: 5 }])).toBe(1);
  });
});

describe('instrumentPoolConnect', () => {
  function fakePool(delayMs: number, fail = false) {
    return {
      idleCount: 0,
      totalCount: 1,
      options: { max: 2 },
      connect(cb?: (err: Error | undefined, client: unknown, release: unknown) => void) {
        const settle = (done: (err: Error | undefined, client: unknown) => void) => setTimeout(() => done(fail ? new Error('down') : undefined, fail ? undefined : 'client'), delayMs);
        if (cb) {
          settle((err, client) => cb(err, client, () => undefined));
          return undefined;
        }
        return new Promise((resolve, reject) => settle((err, client) => (err ? reject(err) : resolve(client))));
      },
    };
  }

  it('times the callback form (TypeORM, pool.query) and passes the client through', async () => {
    const pool = fakePool(30);
    const waits: number[] = [];
    const queued: boolean[] = [];
    instrumentPoolConnect(pool as unknown as Pool, (s, q) => {
      waits.push(s);
      queued.push(q);
    });
    const client = await new Promise((resolve) => pool.connect((_err, c) => resolve(c)));
    expect(client).toBe('client');
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(0.025);
    expect(queued).toEqual([false]);
  });

  it('flags a call made while the pool is full (no idle client, max open) as queued', async () => {
    const pool = { ...fakePool(1), totalCount: 2 };
    const queued: boolean[] = [];
    instrumentPoolConnect(pool as unknown as Pool, (_s, q) => queued.push(q));
    await pool.connect();
    pool.idleCount = 1;
    await pool.connect();
    expect(queued).toEqual([true, false]);
  });

  it('times the promise form, including failures, and restores the original connect', async () => {
    const pool = fakePool(5, true);
    const original = pool.connect;
    const waits: number[] = [];
    const restore = instrumentPoolConnect(pool as unknown as Pool, (s) => waits.push(s));
    await expect(pool.connect()).rejects.toThrow('down');
    expect(waits).toHaveLength(1);
    restore();
    expect(pool.connect).toBe(original);
  });

  it('a throwing observer never breaks the acquisition', async () => {
    const pool = fakePool(1);
    instrumentPoolConnect(pool as unknown as Pool, () => {
      throw new Error('observer');
    });
    await expect(pool.connect()).resolves.toBe('client');
  });
});
