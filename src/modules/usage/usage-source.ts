import { Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { MetricCode, MetricOwner, MetricsOwnedBy } from '../plans';

/**
 * Port through which the context that owns a metric (its `owner` in the metric registry) reports
 * the metric's true value to the usage recount, from its own tables: the recount corrects drifted
 * counters to what the owners measure and never reads another context's tables itself.
 *
 * `measure` runs in the recount's transaction (reach PostgreSQL through `TransactionHost.tx`,
 * docs/adr/0007), after the counters are locked, and returns a non-negative integer for EVERY
 * metric the source declared: for a `count` metric the level now, for a `period_total` metric the
 * total within the period containing `at` (calendar month, UTC).
 */
export interface UsageSource {
  measure(tenantId: string, at: Date): Promise<Partial<Record<MetricCode, number>>>;
}

/** What `@ReportsUsage` records on a class: the owning context and the metrics it measures. */
export interface UsageSourceMeta {
  owner: MetricOwner;
  metrics: readonly MetricCode[];
}

/** Discoverable marker (Nest `DiscoveryService`), read by the `UsageSources` registry. */
export const usageSourceMarker = DiscoveryService.createDecorator<UsageSourceMeta>();

/**
 * Declares a class as the usage source of `owner` for `metrics` (e.g.
 * `@ReportsUsage('iam', ['members', 'orgAdmins'])`): makes it injectable and discoverable, so the
 * recount finds it without naming it. The compiler only accepts metrics the registry gives to
 * `owner`; the class must implement {@link UsageSource} and be listed in its module's providers.
 */
export function ReportsUsage<O extends MetricOwner>(owner: O, metrics: readonly MetricsOwnedBy<O>[]) {
  return <T extends abstract new (...args: never[]) => UsageSource>(target: T): void => {
    Injectable()(target);
    usageSourceMarker({ owner, metrics: [...metrics] })(target);
  };
}
