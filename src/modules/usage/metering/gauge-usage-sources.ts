import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { TenantScopedRepository } from '../../../database/tenant-scoped.repository';
import { MetricCode } from '../../plans';
import { ReportsUsage, UsageSource } from '../usage-source';
import { UsageCounters } from '../usage-counters.service';
import { UsageGauge } from './metering.entity';

/**
 * A module-owned level measured by the module itself: the value of its last gauge, or the counter
 * as it stands when the module has reported none yet (nothing to correct).
 */
async function gaugeOrCounter(txHost: TransactionHost<TransactionalAdapterTypeOrm>, counters: UsageCounters, tenantId: string, metric: MetricCode, at: Date): Promise<number> {
  const gauge = await new TenantScopedRepository(txHost.tx, UsageGauge, tenantId).findOne({ metric });
  return gauge ? Number(gauge.value) : (await counters.current(tenantId, at))[metric];
}

/** The projects module's count, as reported by its gauges, for the nightly recount. */
@ReportsUsage('projects', ['projects'])
export class ProjectsGaugeUsageSource implements UsageSource {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly counters: UsageCounters,
  ) {}

  /** The last gauge of `projects` (or the counter when none was reported). */
  async measure(tenantId: string, at: Date): Promise<Partial<Record<MetricCode, number>>> {
    return { projects: await gaugeOrCounter(this.txHost, this.counters, tenantId, 'projects', at) };
  }
}

/** The domains module's count, as reported by its gauges, for the nightly recount. */
@ReportsUsage('domains', ['domains'])
export class DomainsGaugeUsageSource implements UsageSource {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly counters: UsageCounters,
  ) {}

  /** The last gauge of `domains` (or the counter when none was reported). */
  async measure(tenantId: string, at: Date): Promise<Partial<Record<MetricCode, number>>> {
    return { domains: await gaugeOrCounter(this.txHost, this.counters, tenantId, 'domains', at) };
  }
}
