/**
 * The metric registry: every usage metric a plan can limit, owned by the product catalog (plans).
 * Everything that enumerates metrics derives from it — plan limits and quota overrides (their
 * validation and OpenAPI schema), allowances, usage counters and their periods, usage responses
 * and snapshots, the tenant list read model, the seed (docs/adr/0016-usage-metric-registry.md).
 *
 * This file depends on nothing, so any context may read it through the plans index.
 */

/**
 * `count`: a level — how many exist now (seats, projects); it goes up and down and never resets.
 * `period_total`: a sum within a period (automation runs per month); a new period starts at 0.
 */
export type MetricKind = 'count' | 'period_total';

/** When a metric starts again from 0: `never`, or `monthly` (calendar month in UTC). */
export type MetricReset = 'never' | 'monthly';

/**
 * The context that owns a metric's source of truth and reports it to the recount (a `UsageSource`
 * of the usage context): iam for seats; projects, domains and automations are product modules
 * that report their usage when they join the control plane.
 */
export const METRIC_OWNERS = ['iam', 'projects', 'domains', 'automations'] as const;
export type MetricOwner = (typeof METRIC_OWNERS)[number];

type MetricShape = { readonly unit: string; readonly owner: MetricOwner; readonly description: string } & (
  | { readonly kind: 'count'; readonly reset: 'never' }
  | { readonly kind: 'period_total'; readonly reset: 'monthly' }
);

/**
 * The catalog's metrics, keyed by their API code (camelCase, as the API has always spelled them).
 * Adding one here adds it to plan limits, overrides, allowances, usage and the seed; the compiler
 * then points at every place that must give it a value.
 */
const REGISTRY = {
  members: { unit: 'seats', kind: 'count', reset: 'never', owner: 'iam', description: 'Active tenant users' },
  orgAdmins: { unit: 'seats', kind: 'count', reset: 'never', owner: 'iam', description: 'Active tenant users with role admin' },
  projects: { unit: 'count', kind: 'count', reset: 'never', owner: 'projects', description: 'Projects' },
  domains: { unit: 'count', kind: 'count', reset: 'never', owner: 'domains', description: 'Custom domains' },
  automationsPerMonth: {
    unit: 'runs',
    kind: 'period_total',
    reset: 'monthly',
    owner: 'automations',
    description: 'Automation runs per calendar month (UTC)',
  },
} as const satisfies Record<string, MetricShape>;

type Registry = typeof REGISTRY;

/** A metric's API code: `members`, `orgAdmins`, `projects`, `domains`, `automationsPerMonth`. */
export type MetricCode = keyof Registry;

/** One metric of the registry, with its code. */
export type MetricDefinition = { [C in MetricCode]: { readonly code: C } & Registry[C] }[MetricCode];

/** Codes of the metrics owned by `O` (`MetricsOwnedBy<'iam'>` = `'members' | 'orgAdmins'`). */
export type MetricsOwnedBy<O extends MetricOwner> = { [C in MetricCode]: Registry[C]['owner'] extends O ? C : never }[MetricCode];

/** Codes of the `count` metrics (levels; their counter has the fixed period {@link COUNT_PERIOD_START}). */
export type CountMetricCode = { [C in MetricCode]: Registry[C]['kind'] extends 'count' ? C : never }[MetricCode];

/** Every metric, in registry order (the order of API schemas and allowance lists). */
export const METRICS: readonly MetricDefinition[] = Object.freeze(
  (Object.keys(REGISTRY) as MetricCode[]).map((code) => Object.freeze({ code, ...REGISTRY[code] }) as MetricDefinition),
);

/** Every metric code, in registry order. */
export const METRIC_CODES: readonly MetricCode[] = Object.freeze(METRICS.map((m) => m.code));

/** Whether `value` is the code of a registry metric. */
export function isMetricCode(value: unknown): value is MetricCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(REGISTRY, value);
}

/** The registry entry of `code`. @throws Error for a code outside the registry (a defect: codes are typed). */
export function metricDefinition(code: MetricCode): MetricDefinition {
  const found = METRICS.find((m) => m.code === code);
  if (!found) throw new Error(`Unknown metric ${String(code)}: the metric registry (src/modules/plans/metrics.ts) has no such code.`);
  return found;
}

/** The metrics whose source of truth `owner` holds. */
export function metricsOwnedBy<O extends MetricOwner>(owner: O): MetricsOwnedBy<O>[] {
  return METRICS.filter((m) => m.owner === owner).map((m) => m.code as MetricsOwnedBy<O>);
}

/**
 * Keeps the registry metrics of a stored map (plan limits, overrides) in registry order and drops
 * anything else: a key of a metric that left the registry is never served nor applied.
 */
export function pickMetrics<V>(map: Readonly<Record<string, V>> | null | undefined): Partial<Record<MetricCode, V>> {
  const out: Partial<Record<MetricCode, V>> = {};
  if (!map) return out;
  for (const code of METRIC_CODES) if (Object.prototype.hasOwnProperty.call(map, code)) out[code] = map[code];
  return out;
}

/**
 * The period start of a `count` metric's counter: one fixed day, since a level has no period
 * (1970-01-01, the Unix epoch, chosen because no real period can start that early).
 */
export const COUNT_PERIOD_START = '1970-01-01';

/**
 * A metric's period: `start` and `end` are UTC days (`YYYY-MM-DD`); `end` is exclusive — the day
 * the next period starts — and null for a metric that never resets.
 */
export interface MetricPeriod {
  start: string;
  end: string | null;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The period of `code` that contains the instant `at`: for `reset: 'never'` the fixed
 * {@link COUNT_PERIOD_START} with no end; for `monthly` the calendar month of `at` in UTC
 * (CONVENTIONS §10), e.g. 2026-01-31T23:59Z → 2026-01-01 … 2026-02-01.
 */
export function periodOf(code: MetricCode, at: Date): MetricPeriod {
  const metric = metricDefinition(code);
  if (metric.reset === 'never') return { start: COUNT_PERIOD_START, end: null };
  const year = at.getUTCFullYear();
  const month = at.getUTCMonth();
  return { start: day(Date.UTC(year, month, 1)), end: day(Date.UTC(year, month + 1, 1)) };
}
