import { addRouteGroupCounts, emptyRouteGroupCounts, HTTP_LATENCY_BUCKETS_MS, RouteGroupCounts } from '../../notifications';
import { histogramQuantile } from '../metrics';

/** The windows of the system metrics: name and length in minutes. */
export const METRIC_WINDOWS = [
  { window: '5m', minutes: 5 },
  { window: '1h', minutes: 60 },
  { window: '24h', minutes: 1440 },
] as const;

/** Latency percentiles of a window, ms (estimates, see {@link latencyPercentilesMs}). */
export interface LatencyPercentilesMs {
  p50: number;
  p95: number;
  p99: number;
}

/** What the metrics route shows of one route group in one window. */
export interface RouteGroupSummary {
  group: string;
  requests: number;
  clientErrors: number;
  serverErrors: number;
  /** serverErrors / requests (0..1, 4 decimals); 0 without requests. */
  errorRate: number;
  /** Mean duration, ms (1 decimal). */
  meanMs: number;
  latencyMs: LatencyPercentilesMs;
}

/**
 * Estimates p50/p95/p99 (ms) from non-cumulative counts per fixed latency bucket
 * (`HTTP_LATENCY_BUCKETS_MS`, then one +Inf bucket). Because every instance and minute counts into
 * the same bounds, the counts of many of them are merged by adding bucket by bucket; the estimate
 * then interpolates linearly inside the bucket that holds the rank (PromQL histogram_quantile), so
 * its error is at most the width of that bucket, and a rank in the +Inf bucket answers the last
 * finite bound (10,000 ms). Rounded to 0.1 ms; 0 without observations.
 */
export function latencyPercentilesMs(buckets: readonly number[], bounds: readonly number[] = HTTP_LATENCY_BUCKETS_MS): LatencyPercentilesMs {
  let cumulative = 0;
  const cum = bounds.map((le, i) => ({ le, count: (cumulative += buckets[i] ?? 0) }));
  cum.push({ le: Infinity, count: cumulative + (buckets[bounds.length] ?? 0) });
  const q = (p: number) => Math.round(histogramQuantile(p, cum) * 10) / 10;
  return { p50: q(0.5), p95: q(0.95), p99: q(0.99) };
}

/** Summary of one group's counts (rates and percentiles). */
export function summarizeRouteGroup(group: string, c: RouteGroupCounts): RouteGroupSummary {
  return {
    group,
    requests: c.requests,
    clientErrors: c.clientErrors,
    serverErrors: c.serverErrors,
    errorRate: c.requests ? Math.round((c.serverErrors / c.requests) * 10_000) / 10_000 : 0,
    meanMs: c.requests ? Math.round((c.durationMsSum / c.requests) * 10) / 10 : 0,
    latencyMs: latencyPercentilesMs(c.buckets),
  };
}

/** Each group's summary (sorted by group) and the summary of all of them merged (`group: "all"`). */
export function summarizeWindow(groups: Map<string, RouteGroupCounts>): { routeGroups: RouteGroupSummary[]; allGroups: RouteGroupSummary } {
  const names = [...groups.keys()].sort();
  const all = names.reduce((sum, g) => addRouteGroupCounts(sum, groups.get(g)!), emptyRouteGroupCounts());
  return { routeGroups: names.map((g) => summarizeRouteGroup(g, groups.get(g)!)), allGroups: summarizeRouteGroup('all', all) };
}
