import { Injectable } from '@nestjs/common';
import { EnvelopeOf, OnEvent } from '../../../common/events';
import { StaffUpdatedEvent } from '../../iam/events';
import { ImpersonationService } from '../impersonation.service';

/**
 * After a staff member was deactivated or given another role (staff.updated), ends their active
 * impersonation sessions in the database, so the sessions lists show what the token revocation
 * (iam, at once, in Redis) already enforces. Consumer `impersonation.end-sessions-of-staff`: the
 * sessions' end, their audit rows and their impersonation.ended events commit with the inbox
 * row, once per event.
 */
@Injectable()
export class EndSessionsWhenStaffLosesRightsListener {
  constructor(private readonly impersonations: ImpersonationService) {}

  @OnEvent(StaffUpdatedEvent, 'impersonation.end-sessions-of-staff')
  async handle(event: EnvelopeOf<typeof StaffUpdatedEvent>): Promise<void> {
    const { staffId, isActive, changed } = event.payload;
    if (changed.includes('isActive') && !isActive) await this.impersonations.endAllOfStaff(staffId, 'staff_deactivated');
    else if (changed.includes('role')) await this.impersonations.endAllOfStaff(staffId, 'staff_role_changed');
  }
}
