import { Module } from '@nestjs/common';
import { PlansModule } from '../../plans';
import { MaintenanceController } from './maintenance.controller';
import { MaintenanceGuard } from './maintenance.guard';
import { MaintenanceMode } from './maintenance-mode';
import { MaintenanceService } from './maintenance.service';
import { RateLimitsController } from './rate-limits.controller';
import { RateLimitsService } from './rate-limits.service';
import { TenantRateLimiter } from './tenant-rate-limiter';
import { TenantTrafficGuard } from './tenant-traffic.guard';

/**
 * Traffic rules of tenant requests: maintenance mode (MaintenanceGuard before authentication,
 * the shared-route check in TenantTrafficGuard) and per-tenant request rates (TenantTrafficGuard,
 * enforced in Redis; the rates themselves are a plan dimension of the plans context). The guards
 * are exported for the global pipeline in app.module.ts.
 */
@Module({
  imports: [PlansModule],
  controllers: [MaintenanceController, RateLimitsController],
  providers: [MaintenanceMode, MaintenanceService, MaintenanceGuard, TenantRateLimiter, RateLimitsService, TenantTrafficGuard],
  exports: [MaintenanceGuard, TenantTrafficGuard, MaintenanceMode],
})
export class TrafficModule {}
