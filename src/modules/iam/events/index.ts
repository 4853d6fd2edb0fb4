/**
 * Public event surface of iam: importable by any context (it depends on common/ only), so a
 * consumer never needs iam's module and cannot close an import cycle through it.
 */
export { StaffCreatedEvent, type StaffPayload, StaffUpdatedEvent } from './staff.events';
export { type TenantUserPayload, UserActivatedEvent, UserCreatedEvent, UserDeactivatedEvent, UserUpdatedEvent } from './tenant-user.events';
