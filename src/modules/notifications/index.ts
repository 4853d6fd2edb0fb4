export { NOTIFICATIONS_ERRORS } from './errors';
export { NotificationsModule } from './notifications.module';
export { TenantHealthModule } from './health/tenant-health.module';
export { TenantRiskChangedEvent } from './events';
