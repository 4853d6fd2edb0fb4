/**
 * Public event surface of tenants (depends on common/ only). Contexts that tenants imports
 * (iam, plans, usage) may consume these events without an import cycle through TenantsModule.
 */
export {
  TenantActivatedEvent,
  TenantCreatedEvent,
  TenantDeletedEvent,
  type TenantEventPayload,
  TenantPurgedEvent,
  TenantRestoredEvent,
  TenantSuspendedEvent,
  TenantUpdatedEvent,
} from './tenant.events';
