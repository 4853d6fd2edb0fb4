import { Injectable } from '@nestjs/common';
import { TokenRevocations } from '../../../common/auth';
import { DomainEventEnvelope, OnDomainEvent } from '../../../common/events';
import type { StaffPayload } from '../events/staff.events';

/**
 * After a staff member's role or active flag changed (staff.updated), revokes the access tokens
 * they hold at once, so a demoted owner or a deactivated member loses the old rights now rather
 * than when the token expires. Re-delivery only moves the revocation instant; tokens issued after
 * it still work.
 */
@Injectable()
export class RevokeStaffTokensWhenStaffChangesListener {
  constructor(
    private readonly revocations: TokenRevocations,
  ) {}

  @OnDomainEvent('staff.updated')
  async onUpdated(event: DomainEventEnvelope<StaffPayload & { changed: string[] }>): Promise<void> {
    if (!event.payload.changed.some((c) => c === 'role' || c === 'isActive')) return;
    await this.revocations.revokeSubject(event.payload.staffId);
  }
}
