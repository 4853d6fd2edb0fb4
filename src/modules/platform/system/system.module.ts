import { Module } from '@nestjs/common';
import { RuntimeMetricsModule } from '../metrics';
import { AdminDashboardController, AdminSystemController } from './system.controller';
import { DashboardQueries } from './dashboard.service';
import { InstanceHeartbeat } from './instance-heartbeat';
import { SystemHealth } from './system-health.service';
import { SystemMetrics } from './system-metrics.service';

/** System visibility for super admins: /admin/system/health|services|metrics, /admin/dashboard, and the instance heartbeat. */
@Module({
  imports: [RuntimeMetricsModule],
  controllers: [AdminSystemController, AdminDashboardController],
  providers: [SystemHealth, InstanceHeartbeat, SystemMetrics, DashboardQueries],
  exports: [InstanceHeartbeat],
})
export class SystemModule {}
