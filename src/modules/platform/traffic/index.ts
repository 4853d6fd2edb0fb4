export { TrafficModule } from './traffic.module';
export { MaintenanceGuard } from './maintenance.guard';
export { TenantTrafficGuard } from './tenant-traffic.guard';
export { MaintenanceMode, MaintenanceWindow } from './maintenance-mode';
export { MaintenanceUpdatedEvent, TenantRateLimitUpdatedEvent } from './traffic.events';
