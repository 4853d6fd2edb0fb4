import { Injectable } from '@nestjs/common';
import { DomainEventEnvelope, OnEvent } from '../../../common/events';
import {
  TenantActivatedEvent,
  TenantDeletedEvent,
  type TenantEventPayload,
  TenantPurgedEvent,
  TenantRestoredEvent,
  TenantSuspendedEvent,
} from '../events';
import { TenantAccessState } from '../tenant-access-state.service';

/**
 * After commit, mirrors a lifecycle change into Redis: suspension flag (tenant.suspended /
 * tenant.activated; the global QuotaGuard reads it) and tenant-wide token revocation
 * (tenant.deleted / tenant.restored / tenant.purged; the JWT strategy reads it). Consumer
 * `tenants.sync-access` of all five events; the Redis writes are at-least-once, idempotent and
 * order-independent: they converge to the tenant's current row, not the event.
 */
@Injectable()
export class SyncAccessWhenTenantLifecycleChangesListener {
  constructor(private readonly state: TenantAccessState) {}

  @OnEvent(TenantSuspendedEvent, 'tenants.sync-access')
  @OnEvent(TenantActivatedEvent, 'tenants.sync-access')
  @OnEvent(TenantDeletedEvent, 'tenants.sync-access')
  @OnEvent(TenantRestoredEvent, 'tenants.sync-access')
  @OnEvent(TenantPurgedEvent, 'tenants.sync-access')
  sync(event: DomainEventEnvelope<TenantEventPayload>): Promise<void> {
    return this.state.sync(event.payload.tenantId);
  }
}
