import { PlansModule } from '../plans';
import { QuotaReservation, UsageEventKey, UsageGauge, UsageThresholdState } from './metering/metering.entity';
import { DomainsGaugeUsageSource, ProjectsGaugeUsageSource } from './metering/gauge-usage-sources';
import { ServiceQuotaController, ServiceUsageEventsController } from './metering/metering.controller';
import { MeteringService } from './metering/metering.service';
import { UsageThresholds } from './metering/usage-thresholds';
import { BullModule } from '@nestjs/bull';
import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit';
import { UsageLedger } from '../plans';
import { TenantUsageSnapshot } from './entities/tenant-usage-snapshot.entity';
import { TenantUsage } from './entities/tenant-usage.entity';
import { UsageCounter } from './entities/usage-counter.entity';
import { USAGE_QUEUE, UsageProcessor, UsageRecalculationJob } from './jobs/usage.processor';
import { AdminUsageController, ServiceTenantUsageController, TenantUsageController } from './usage.controller';
import { UsageSeriesService } from './usage-series.service';
import { UsageCounters } from './usage-counters.service';
import { UsageDataEraser } from './usage-data.eraser';
import { UsagePersonalDataEraser } from './usage-personal-data.eraser';
import { UsageRecalculationService } from './usage-recalculation.service';
import { UsageService } from './usage.service';
import { UsageSources } from './usage-sources';
import { UsageExportSource } from './usage-export.source';

/**
 * Usage context: counters per tenant, metric and period, daily snapshots, the recount through
 * the owners' `@ReportsUsage` sources. `@Global()` only to provide the plans context's
 * {@link UsageLedger} port (usage reads the plans metric registry, so plans cannot import usage;
 * docs/adr/0016-usage-metric-registry.md).
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([TenantUsage, UsageCounter, TenantUsageSnapshot, QuotaReservation, UsageEventKey, UsageThresholdState, UsageGauge]), PlansModule, BullModule.registerQueue({ name: USAGE_QUEUE }), AuditModule, DiscoveryModule],
  controllers: [AdminUsageController, TenantUsageController, ServiceTenantUsageController, ServiceQuotaController, ServiceUsageEventsController],
  providers: [
    UsageExportSource,
    UsageCounters,
    { provide: UsageLedger, useExisting: UsageCounters },
    UsageService,
    UsageSeriesService,
    UsageSources,
    UsageRecalculationService,
    UsageProcessor,
    UsageRecalculationJob,
    UsageDataEraser,
    UsagePersonalDataEraser,
    MeteringService,
    UsageThresholds,
    ProjectsGaugeUsageSource,
    DomainsGaugeUsageSource,
  ],
  exports: [UsageCounters, UsageLedger],
})
export class UsageModule {}
