import { DomainEvent } from '../../../common/events';

export interface ImpersonationPayload {
  sessionId: string;
  staffId: string;
  targetUserId: string;
  /** ISO 8601; the token cannot outlive it. */
  expiresAt: string;
}

/** A staff member started impersonating a tenant user. Producer: impersonation. */
export class ImpersonationStartedEvent extends DomainEvent<ImpersonationPayload & { reason: string; ticketRef: string | null; durationMinutes: number }> {
  static override readonly eventName = 'impersonation.started';
}

/**
 * An impersonation session was ended early: by staff, or because its staff member was
 * deactivated or changed role (`endReason`). Producer: impersonation. Consumer: impersonation
 * (revokes the session's token at once).
 */
export class ImpersonationEndedEvent extends DomainEvent<ImpersonationPayload & { endedBy: string | null; endReason: string; endedAt: string }> {
  static override readonly eventName = 'impersonation.ended';
}
