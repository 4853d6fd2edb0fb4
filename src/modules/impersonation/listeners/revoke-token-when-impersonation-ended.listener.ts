import { Injectable } from '@nestjs/common';
import { TokenRevocations } from '../../../common/auth';
import { DomainEventEnvelope, OnDomainEvent } from '../../../common/events';
import type { ImpersonationPayload } from '../events/impersonation.events';

/** Seconds past `exp` that the JWT strategy still accepts a token (its clockTolerance), plus margin. */
const CLOCK_TOLERANCE_SECONDS = 10;

/**
 * Revokes an ended session's token at once, after the end was committed (Redis, seen by every
 * instance), for as long as the token could otherwise still be accepted. Idempotent: setting
 * the revocation again on a re-dispatch has no further effect; an already expired token needs none.
 */
@Injectable()
export class RevokeTokenWhenImpersonationEndedListener {
  constructor(private readonly revocations: TokenRevocations) {}

  @OnDomainEvent('impersonation.ended')
  async handle(event: DomainEventEnvelope<ImpersonationPayload>): Promise<void> {
    const remainingSeconds = Math.ceil((Date.parse(event.payload.expiresAt) - Date.now()) / 1000) + CLOCK_TOLERANCE_SECONDS;
    if (remainingSeconds <= 0) return;
    await this.revocations.revokeSession(event.payload.sessionId, remainingSeconds);
  }
}
