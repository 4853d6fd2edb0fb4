import { Injectable } from '@nestjs/common';
import { EnvelopeOf, OnEvent } from '../../../common/events';
import { TenantDeletedEvent, TenantRestoredEvent } from '../events';
import { TenantAccessState } from '../tenant-access-state.service';

/**
 * Schedules the delayed purge job when a tenant is deleted and removes it when the tenant is
 * restored. The job id derives from the tenant id and the deletion time, so a re-dispatched
 * tenant.deleted never schedules it twice (CONVENTIONS §3). Consumers `tenants.schedule-purge`
 * and `tenants.cancel-purge`; Bull is outside their transaction, so both are at-least-once and
 * idempotent (same job id; removing a removed job is a no-op).
 */
@Injectable()
export class SchedulePurgeWhenTenantDeletedListener {
  constructor(private readonly state: TenantAccessState) {}

  @OnEvent(TenantDeletedEvent, 'tenants.schedule-purge')
  onDeleted(event: EnvelopeOf<typeof TenantDeletedEvent>): Promise<void> {
    return this.state.schedulePurge(event.payload.tenantId);
  }

  @OnEvent(TenantRestoredEvent, 'tenants.cancel-purge')
  onRestored(event: EnvelopeOf<typeof TenantRestoredEvent>): Promise<void> {
    return this.state.cancelPurge(event.payload.tenantId, new Date(event.payload.previousDeletedAt));
  }
}
