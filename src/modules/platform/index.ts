export { PLATFORM_ERRORS } from './errors';
export { PlatformModule } from './platform.module';
export { ShutdownState } from './shutdown-state';
export { MaintenanceGuard, TenantTrafficGuard } from './traffic';
export { QueueStats, type QueueStat, OutboxLag, type OutboxLagStat, MetricsRegistry } from './metrics';
