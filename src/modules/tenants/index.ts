export { TENANTS_ERRORS } from './errors';
export { TenantsModule } from './tenants.module';
export {
  TenantActivatedEvent,
  TenantCreatedEvent,
  TenantDeletedEvent,
  TenantEventPayload,
  TenantPurgedEvent,
  TenantRestoredEvent,
  TenantSuspendedEvent,
  TenantUpdatedEvent,
} from './events/tenant.events';
