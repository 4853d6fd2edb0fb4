import { DomainEvent } from '../../../common/events';

export interface StaffPayload {
  staffId: string;
  email: string;
  role: string;
  isActive: boolean;
}

/** A platform staff member was created. Producer: iam. */
export class StaffCreatedEvent extends DomainEvent<StaffPayload> {
  static override readonly eventName = 'staff.created';
}

/** A platform staff member's name, role or active flag changed. Producer: iam. */
export class StaffUpdatedEvent extends DomainEvent<StaffPayload & { changed: string[] }> {
  static override readonly eventName = 'staff.updated';
}
