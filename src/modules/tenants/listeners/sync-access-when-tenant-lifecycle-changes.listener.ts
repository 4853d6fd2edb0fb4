import { Injectable } from '@nestjs/common';
import { DomainEventEnvelope, OnDomainEvent } from '../../../common/events';
import type { TenantEventPayload } from '../events/tenant.events';
import { TenantAccessState } from '../tenant-access-state.service';

/**
 * After commit, mirrors a lifecycle change into Redis: suspension flag (tenant.suspended /
 * tenant.activated; the global QuotaGuard reads it) and tenant-wide token revocation
 * (tenant.deleted / tenant.restored / tenant.purged; the JWT strategy reads it). Idempotent and
 * order-independent without an inbox: it converges to the tenant's current row, not the event.
 */
@Injectable()
export class SyncAccessWhenTenantLifecycleChangesListener {
  constructor(private readonly state: TenantAccessState) {}

  @OnDomainEvent('tenant.suspended')
  onSuspended(event: DomainEventEnvelope<TenantEventPayload>): Promise<void> {
    return this.state.sync(event.payload.tenantId);
  }

  @OnDomainEvent('tenant.activated')
  onActivated(event: DomainEventEnvelope<TenantEventPayload>): Promise<void> {
    return this.state.sync(event.payload.tenantId);
  }

  @OnDomainEvent('tenant.deleted')
  onDeleted(event: DomainEventEnvelope<TenantEventPayload>): Promise<void> {
    return this.state.sync(event.payload.tenantId);
  }

  @OnDomainEvent('tenant.restored')
  onRestored(event: DomainEventEnvelope<TenantEventPayload>): Promise<void> {
    return this.state.sync(event.payload.tenantId);
  }

  @OnDomainEvent('tenant.purged')
  onPurged(event: DomainEventEnvelope<TenantEventPayload>): Promise<void> {
    return this.state.sync(event.payload.tenantId);
  }
}
