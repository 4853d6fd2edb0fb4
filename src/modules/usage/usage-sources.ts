import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { MetricCode, metricDefinition } from '../plans';
import { UsageSource, usageSourceMarker } from './usage-source';

interface Registered {
  owner: string;
  name: string;
  metrics: readonly MetricCode[];
  source: UsageSource;
}

/**
 * Registry of every provider marked `@ReportsUsage(owner, metrics)`, found at module init with
 * Nest's `DiscoveryService` (as the tenant data erasers are, docs/adr/0008). The recount asks them
 * for the true values; a metric no source reports (its product module has not joined yet) is
 * left as counted.
 */
@Injectable()
export class UsageSources implements OnModuleInit {
  private readonly logger = new Logger(UsageSources.name);
  private sources: Registered[] = [];

  constructor(private readonly discovery: DiscoveryService) {}

  /**
   * Collects the marked providers. @throws Error (the app refuses to boot) when one is
   * request-scoped or lacks `measure`, declares a metric the registry gives to another owner, or
   * declares a metric another source already reports: each metric has one source of truth.
   */
  onModuleInit(): void {
    const seen = new Set<unknown>();
    const claimed = new Map<MetricCode, string>();
    const found: Registered[] = [];
    for (const wrapper of this.discovery.getProviders({ metadataKey: usageSourceMarker.KEY })) {
      const meta = this.discovery.getMetadataByDecorator(usageSourceMarker, wrapper);
      const instance = wrapper.instance as Partial<UsageSource> | undefined;
      if (!meta) continue;
      const name = String(wrapper.name);
      if (!wrapper.isDependencyTreeStatic() || typeof instance?.measure !== 'function') {
        throw new Error(`Usage source ${name} (${meta.owner}) must be a singleton provider with a measure(tenantId, at) method.`);
      }
      if (seen.has(instance)) continue;
      seen.add(instance);
      for (const metric of meta.metrics) {
        const owner = metricDefinition(metric).owner;
        if (owner !== meta.owner) throw new Error(`Usage source ${name} reports ${metric} for ${meta.owner}, but the metric registry gives ${metric} to ${owner}.`);
        const other = claimed.get(metric);
        if (other) throw new Error(`Metric ${metric} is reported by both ${other} and ${name}.`);
        claimed.set(metric, name);
      }
      found.push({ owner: meta.owner, name, metrics: meta.metrics, source: instance as UsageSource });
    }
    this.sources = found.sort((a, b) => a.owner.localeCompare(b.owner) || a.name.localeCompare(b.name));
    this.logger.log(`usage sources: ${this.sources.map((s) => `${s.owner}/${s.name} (${s.metrics.join(', ')})`).join('; ') || 'none'}`);
  }

  /** The registered sources (owner, provider name, metrics), in the order they are asked. */
  list(): { owner: string; name: string; metrics: readonly MetricCode[] }[] {
    return this.sources.map(({ owner, name, metrics }) => ({ owner, name, metrics }));
  }

  /** The metrics some source reports, in a stable order. */
  metrics(): MetricCode[] {
    return this.sources.flatMap((s) => s.metrics);
  }

  /**
   * Asks every source for its metrics' true values for `tenantId` at `at`, in the current
   * transaction. @throws Error when a source leaves out a declared metric or answers something
   * other than a non-negative integer (a defect: the recount must not write a guess).
   */
  async measure(tenantId: string, at: Date): Promise<Partial<Record<MetricCode, number>>> {
    const values: Partial<Record<MetricCode, number>> = {};
    for (const { name, metrics, source } of this.sources) {
      const measured = await source.measure(tenantId, at);
      for (const metric of metrics) {
        const value = measured[metric];
        if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
          throw new Error(`Usage source ${name} measured ${metric} = ${String(value)} for tenant ${tenantId}; expected a non-negative integer.`);
        }
        values[metric] = value;
      }
    }
    return values;
  }
}
