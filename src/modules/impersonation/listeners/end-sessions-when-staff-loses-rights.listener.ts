import { Injectable } from '@nestjs/common';
import { DomainEventEnvelope, OnDomainEvent } from '../../../common/events';
import type { StaffUpdatedEvent } from '../../iam';
import { ImpersonationService } from '../impersonation.service';

/**
 * After a staff member was deactivated or given another role (staff.updated), ends their active
 * impersonation sessions in the database, so the sessions lists show what the token revocation
 * (iam, at once, in Redis) already enforces. Idempotent: a re-dispatch finds no active session.
 */
@Injectable()
export class EndSessionsWhenStaffLosesRightsListener {
  constructor(private readonly impersonations: ImpersonationService) {}

  @OnDomainEvent('staff.updated')
  async handle(event: DomainEventEnvelope<StaffUpdatedEvent['payload']>): Promise<void> {
    const { staffId, isActive, changed } = event.payload;
    if (changed.includes('isActive') && !isActive) await this.impersonations.endAllOfStaff(staffId, 'staff_deactivated');
    else if (changed.includes('role')) await this.impersonations.endAllOfStaff(staffId, 'staff_role_changed');
  }
}
