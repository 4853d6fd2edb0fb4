import { addRouteGroupCounts, emptyRouteGroupCounts, latencyBucketOf, routeGroupOf } from '../../notifications';
import { latencyPercentilesMs, summarizeWindow } from './route-windows';

const BOUNDS = [10, 100, 1000];

describe('latencyPercentilesMs', () => {
  it('is 0 without observations', () => {
    expect(latencyPercentilesMs([0, 0, 0, 0], BOUNDS)).toEqual({ p50: 0, p95: 0, p99: 0 });
  });

  it('interpolates inside the bucket holding the rank', () => {
    // 90 responses ≤ 10 ms, 10 in (10, 100]: p50 at rank 50 of the first bucket, p95 halfway through the second.
    expect(latencyPercentilesMs([90, 10, 0, 0], BOUNDS)).toEqual({ p50: 5.6, p95: 55, p99: 91 });
  });

  it('answers the last finite bound for ranks above it', () => {
    expect(latencyPercentilesMs([0, 0, 1, 99], BOUNDS).p99).toBe(1000);
  });

  it('merging instances is adding their buckets: the merged estimate equals the estimate of all observations counted together', () => {
    const a = [50, 0, 0, 0];
    const b = [0, 0, 50, 0];
    const merged = a.map((n, i) => n + b[i]);
    expect(latencyPercentilesMs(merged, BOUNDS)).toEqual(latencyPercentilesMs([50, 0, 50, 0], BOUNDS));
    // Half the responses ≤ 10 ms, half in (100, 1000]: the median sits at the first bound, p99 near the top.
    expect(latencyPercentilesMs(merged, BOUNDS)).toEqual({ p50: 10, p95: 910, p99: 982 });
  });
});

describe('route groups', () => {
  it('names the first segment after /api/v1, or of a route outside it; unmatched without a route', () => {
    expect(routeGroupOf('/api/v1/admin/tenants/:tenantId')).toBe('admin');
    expect(routeGroupOf('/api/v1/tenant/users')).toBe('tenant');
    expect(routeGroupOf('/api/v1/service/entitlements')).toBe('service');
    expect(routeGroupOf('/health/ready')).toBe('health');
    expect(routeGroupOf('/metrics')).toBe('metrics');
    expect(routeGroupOf(null)).toBe('unmatched');
    expect(routeGroupOf('/api/v1/:weird')).toBe('other');
  });

  it('puts a duration in the first bucket whose bound is at least it, else the +Inf bucket', () => {
    expect(latencyBucketOf(0)).toBe(0);
    expect(latencyBucketOf(5)).toBe(0);
    expect(latencyBucketOf(5.01)).toBe(1);
    expect(latencyBucketOf(10_000)).toBe(10);
    expect(latencyBucketOf(10_001)).toBe(11);
  });

  it('summarizes each group and the merged total', () => {
    const admin = { ...emptyRouteGroupCounts(), requests: 4, serverErrors: 1, clientErrors: 1, durationMsSum: 40 };
    admin.buckets[1] = 4;
    const tenant = { ...emptyRouteGroupCounts(), requests: 1, durationMsSum: 300 };
    tenant.buckets[5] = 1;
    const { routeGroups, allGroups } = summarizeWindow(new Map([['tenant', tenant], ['admin', admin]]));
    expect(routeGroups.map((g) => [g.group, g.requests, g.errorRate, g.meanMs])).toEqual([
      ['admin', 4, 0.25, 10],
      ['tenant', 1, 0, 300],
    ]);
    expect(allGroups).toMatchObject({ group: 'all', requests: 5, serverErrors: 1, clientErrors: 1, errorRate: 0.2, meanMs: 68 });
    expect(addRouteGroupCounts(admin, tenant).buckets.reduce((s, n) => s + n, 0)).toBe(5);
  });
});
