import { DomainEvent } from '../../../common/events';
import type { TenantStatus } from '../../../common/tenancy';

/** Facts every tenant event carries. */
export interface TenantEventPayload {
  tenantId: string;
  slug: string;
}

/** A tenant was provisioned with its quota, usage row and first admin. Producer: tenants. */
export class TenantCreatedEvent extends DomainEvent<
  TenantEventPayload & { name: string; planCode: string; billingStatus: string; trialEndsAt: string | null; adminUserId: string; tags: string[] }
> {
  static override readonly eventName = 'tenant.created';
}

/** Profile or settings changed; `changed` lists the field names. Producer: tenants. */
export class TenantUpdatedEvent extends DomainEvent<TenantEventPayload & { changed: string[]; version: number }> {
  static override readonly eventName = 'tenant.updated';
}

/** A super admin suspended the tenant. Producer: tenants. Consumer: tenants (suspension flag in Redis). */
export class TenantSuspendedEvent extends DomainEvent<TenantEventPayload & { reason: string; suspendedAt: string }> {
  static override readonly eventName = 'tenant.suspended';
}

/** A super admin lifted the suspension. Producer: tenants. Consumer: tenants (suspension flag). */
export class TenantActivatedEvent extends DomainEvent<TenantEventPayload & { reason: string | null }> {
  static override readonly eventName = 'tenant.activated';
}

/**
 * The tenant was soft-deleted: nobody of it can sign in, its tokens are revoked, and its data is
 * purged after `purgeAfter`. Producer: tenants. Consumers: tenants (revocation, purge job).
 */
export class TenantDeletedEvent extends DomainEvent<TenantEventPayload & { deletedAt: string; purgeAfter: string }> {
  static override readonly eventName = 'tenant.deleted';
}

/** A deleted tenant was restored within its grace period. Producer: tenants. Consumers: tenants. */
export class TenantRestoredEvent extends DomainEvent<TenantEventPayload & { status: TenantStatus; previousDeletedAt: string }> {
  static override readonly eventName = 'tenant.restored';
}

/** The purge job erased the tenant's data (audit rows and the outbox stay). Producer: tenants. */
export class TenantPurgedEvent extends DomainEvent<TenantEventPayload & { deletedAt: string; purgedAt: string }> {
  static override readonly eventName = 'tenant.purged';
}
