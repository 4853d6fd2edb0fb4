import { DomainEvent } from '../../../common/events';

/** Maintenance mode was started, changed or ended by staff. Producer: platform (traffic). Platform-wide (no tenant). */
export class MaintenanceUpdatedEvent extends DomainEvent<{ isActive: boolean; message: string | null; until: string | null }> {
  static override readonly eventName = 'maintenance.updated';
}

/**
 * Staff set, replaced or cleared a tenant's request-rate override. Producer: platform (traffic).
 * `requestsPerMinute`, `burst` and `source` are the rate that applies right after the change;
 * `override` is null once cleared.
 */
export class TenantRateLimitUpdatedEvent extends DomainEvent<{
  requestsPerMinute: number;
  burst: number;
  source: 'override' | 'plan' | 'default';
  override: { requestsPerMinute: number; burst: number; until: string | null } | null;
}> {
  static override readonly eventName = 'rate_limit.updated';
}
