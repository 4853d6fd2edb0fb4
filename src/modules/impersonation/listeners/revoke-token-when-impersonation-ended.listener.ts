import { Injectable } from '@nestjs/common';
import { TokenRevocations } from '../../../common/auth';
import { EnvelopeOf, OnEvent } from '../../../common/events';
import { ImpersonationEndedEvent } from '../events';

/**
 * Revokes an ended session's token at once, after the end was committed (Redis, seen by every
 * instance), for as long as any token could still be accepted. Consumer
 * `impersonation.revoke-session-token`; the Redis write is at-least-once and idempotent: setting
 * the revocation again has no further effect.
 */
@Injectable()
export class RevokeTokenWhenImpersonationEndedListener {
  constructor(private readonly revocations: TokenRevocations) {}

  @OnEvent(ImpersonationEndedEvent, 'impersonation.revoke-session-token')
  async handle(event: EnvelopeOf<typeof ImpersonationEndedEvent>): Promise<void> {
    await this.revocations.revokeSession(event.payload.sessionId);
  }
}
