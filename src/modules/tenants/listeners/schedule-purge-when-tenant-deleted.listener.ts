import { Injectable } from '@nestjs/common';
import { DomainEventEnvelope, OnDomainEvent } from '../../../common/events';
import type { TenantEventPayload } from '../events/tenant.events';
import { TenantAccessState } from '../tenant-access-state.service';

/**
 * Schedules the delayed purge job when a tenant is deleted and removes it when the tenant is
 * restored. The job id derives from the tenant id and the deletion time, so a re-dispatched
 * tenant.deleted never schedules it twice (CONVENTIONS §3).
 */
@Injectable()
export class SchedulePurgeWhenTenantDeletedListener {
  constructor(private readonly state: TenantAccessState) {}

  @OnDomainEvent('tenant.deleted')
  onDeleted(event: DomainEventEnvelope<TenantEventPayload>): Promise<void> {
    return this.state.schedulePurge(event.payload.tenantId);
  }

  @OnDomainEvent('tenant.restored')
  onRestored(event: DomainEventEnvelope<TenantEventPayload & { previousDeletedAt: string }>): Promise<void> {
    return this.state.cancelPurge(event.payload.tenantId, new Date(event.payload.previousDeletedAt));
  }
}
