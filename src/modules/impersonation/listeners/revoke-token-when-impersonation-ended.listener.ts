import { Injectable } from '@nestjs/common';
import { TokenRevocations } from '../../../common/auth';
import { DomainEventEnvelope, OnDomainEvent } from '../../../common/events';
import type { ImpersonationPayload } from '../events/impersonation.events';

/**
 * Revokes an ended session's token at once, after the end was committed (Redis, seen by every
 * instance), for as long as any token could still be accepted. Idempotent: setting the
 * revocation again on a re-dispatch has no further effect.
 */
@Injectable()
export class RevokeTokenWhenImpersonationEndedListener {
  constructor(private readonly revocations: TokenRevocations) {}

  @OnDomainEvent('impersonation.ended')
  async handle(event: DomainEventEnvelope<ImpersonationPayload>): Promise<void> {
    await this.revocations.revokeSession(event.payload.sessionId);
  }
}
