export { NOTIFICATIONS_ERRORS } from './errors';
export { NotificationsModule } from './notifications.module';
export { TenantHealthModule } from './health/tenant-health.module';
export { AlertOpenedEvent, AlertResolvedEvent, TenantRiskChangedEvent } from './events';
export { AlertsModule } from './alerts/alerts.module';
export { latestHealthJoinSql } from './health/health-read-model';
export {
  addRouteGroupCounts,
  emptyRouteGroupCounts,
  ErrorRateRecorder,
  HTTP_LATENCY_BUCKETS_MS,
  HttpResponseSample,
  latencyBucketOf,
  ROUTE_WINDOW_KEEP_MINUTES,
  RouteGroupCounts,
  routeGroupOf,
} from './alerts/error-rate';
