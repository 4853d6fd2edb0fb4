import { Logger } from '@nestjs/common';
import { MetricsRegistry, RuntimeMetrics } from '../../../src/modules/platform/metrics';
import { createTestApp, TestApp } from '../../support/app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// The pool size is not configurable through the environment (extra.max = 20 in
// src/database/typeorm-options.ts), so the test fills the pool it finds: `max` sessions sleeping
// 0.5 s hold every connection while one more query queues.
describe('runtime metrics: event-loop lag, PostgreSQL pool usage and acquisition waits', () => {
  let t: TestApp;
  let metrics: RuntimeMetrics;
  let registry: MetricsRegistry;
  beforeAll(async () => {
    t = await createTestApp();
    metrics = t.app.get(RuntimeMetrics);
    registry = t.app.get(MetricsRegistry);
  });
  afterAll(() => t.close());
  afterEach(() => jest.restoreAllMocks());

  it('an exhausted pool shows waiting clients, records the wait in db_pool_acquire_seconds and logs one warning', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const { max } = (await metrics.snapshot()).pool;
    expect(max).toBe(20);
    const holders = Array.from({ length: max }, () => t.db.query('SELECT pg_sleep(0.5)'));
    await sleep(50);
    const queued = t.db.query('SELECT 1 AS one');
    await sleep(100);
    const during = await metrics.snapshot();
    expect(during.pool.waiting).toBeGreaterThanOrEqual(1);
    expect(during.pool.total).toBe(max);
    expect(during.pool.idle).toBe(0);
    await Promise.all([...holders, queued]);

    // The queued query waited for a holder to finish (~0.45 s after it was issued): an observation above the 0.25 s bucket.
    const buckets = await metrics.acquireBuckets();
    const over = (le: number) => buckets.find((b) => b.le === Infinity)!.count - buckets.find((b) => b.le === le)!.count;
    expect(over(0.25)).toBeGreaterThanOrEqual(1);
    const warnings = warn.mock.calls.map(([m]) => String(m)).filter((m) => m.startsWith('PostgreSQL pool exhausted'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^PostgreSQL pool exhausted: \d+ requests? waited up to \d+ ms for a connection \(pool max 20\)$/);
    expect(Number(/up to (\d+) ms/.exec(warnings[0])![1])).toBeGreaterThanOrEqual(300);

    const after = await metrics.snapshot();
    expect(after.pool.waiting).toBe(0);
    expect(after.poolAcquireP99Ms).toBeGreaterThan(0);
    expect(after.eventLoopLagP99Ms).toBeGreaterThan(0);
  });

  it('the registry text holds the pool gauges, the acquire histogram and the event-loop lag percentiles', async () => {
    const text = await registry.metrics();
    expect(registry.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(text).toMatch(/^db_pool_connections_max 20$/m);
    expect(text).toMatch(/^db_pool_connections_total \d+$/m);
    expect(text).toMatch(/^db_pool_connections_idle \d+$/m);
    expect(text).toMatch(/^db_pool_clients_waiting 0$/m);
    expect(text).toMatch(/^db_pool_acquire_seconds_bucket\{le="0\.25"\} \d+$/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds [\d.e-]+$/m);
    expect(text).toContain('process_resident_memory_bytes');
    expect(text).toContain('nodejs_heap_size_used_bytes');
  });

  it('is not served over HTTP', async () => {
    const res = await fetch(`${t.baseUrl}/metrics`);
    expect(res.status).toBe(404);
  });
});
