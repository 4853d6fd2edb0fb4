import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TenantUsageSnapshot } from './entities/tenant-usage-snapshot.entity';
import { TenantUsage } from './entities/tenant-usage.entity';
import { UsageCounters } from './usage-counters.service';

/** Usage context: live counters, daily snapshots, recalculation. */
@Module({
  imports: [TypeOrmModule.forFeature([TenantUsage, TenantUsageSnapshot])],
  providers: [UsageCounters],
  exports: [UsageCounters],
})
export class UsageModule {}
