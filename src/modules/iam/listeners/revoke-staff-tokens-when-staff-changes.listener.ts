import { Injectable } from '@nestjs/common';
import { TokenRevocations } from '../../../common/auth';
import { EnvelopeOf, OnEvent } from '../../../common/events';
import { StaffUpdatedEvent } from '../events';

/**
 * After a staff member's role or active flag changed (staff.updated), revokes the access tokens
 * they hold at once, so a demoted owner or a deactivated member loses the old rights now rather
 * than when the token expires. Consumer `iam.revoke-staff-tokens`; the Redis write is
 * at-least-once, and a repeat only moves the revocation instant (tokens issued after it still work).
 */
@Injectable()
export class RevokeStaffTokensWhenStaffChangesListener {
  constructor(
    private readonly revocations: TokenRevocations,
  ) {}

  @OnEvent(StaffUpdatedEvent, 'iam.revoke-staff-tokens')
  async onUpdated(event: EnvelopeOf<typeof StaffUpdatedEvent>): Promise<void> {
    if (!event.payload.changed.some((c) => c === 'role' || c === 'isActive')) return;
    await this.revocations.revokeSubject(event.payload.staffId);
  }
}
