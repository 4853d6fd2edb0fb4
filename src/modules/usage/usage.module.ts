import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit';
import { TenantUsageSnapshot } from './entities/tenant-usage-snapshot.entity';
import { TenantUsage } from './entities/tenant-usage.entity';
import { EnqueueRecalculationListener, USAGE_QUEUE, UsageProcessor } from './jobs/usage.processor';
import { AdminUsageController, TenantUsageController } from './usage.controller';
import { UsageCounters } from './usage-counters.service';
import { UsageDataEraser } from './usage-data.eraser';
import { UsageRecalculationService } from './usage-recalculation.service';
import { UsageService } from './usage.service';

/** Usage context: live counters, daily snapshots, recalculation. */
@Module({
  imports: [TypeOrmModule.forFeature([TenantUsage, TenantUsageSnapshot]), BullModule.registerQueue({ name: USAGE_QUEUE }), AuditModule],
  controllers: [AdminUsageController, TenantUsageController],
  providers: [UsageCounters, UsageService, UsageRecalculationService, UsageProcessor, EnqueueRecalculationListener, UsageDataEraser],
  exports: [UsageCounters],
})
export class UsageModule {}
