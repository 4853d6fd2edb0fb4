import { DomainEvent } from '../../../common/events';

export interface TenantUserPayload {
  userId: string;
  email: string;
  role: string;
  isActive: boolean;
}

/** A tenant user was created (also the initial admin of a new tenant). Producer: iam. */
export class UserCreatedEvent extends DomainEvent<TenantUserPayload> {
  static override readonly eventName = 'user.created';
}

/** A tenant user's name or role changed. Producer: iam. */
export class UserUpdatedEvent extends DomainEvent<TenantUserPayload & { changed: string[] }> {
  static override readonly eventName = 'user.updated';
}

/** A tenant user was deactivated: seat freed, sessions revoked. Producer: iam. */
export class UserDeactivatedEvent extends DomainEvent<TenantUserPayload> {
  static override readonly eventName = 'user.deactivated';
}

/** A tenant user was re-activated: seat taken again. Producer: iam. */
export class UserActivatedEvent extends DomainEvent<TenantUserPayload> {
  static override readonly eventName = 'user.activated';
}
