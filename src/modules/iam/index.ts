export { IAM_ERRORS, NoActiveAdminError, TenantUserNotFoundError } from './errors';
export { IamModule } from './iam.module';
export { TokenService, TokenPair, TokenSubject } from './token.service';
export { PasswordHasher, MIN_PASSWORD_LENGTH } from './password-hasher';
export { StaffCreatedEvent, StaffUpdatedEvent } from './events/staff.events';
export { TenantUserAccounts, NewTenantUser, TenantUserRef, generateTemporaryPassword } from './tenant-user-accounts.service';
export { PasswordResets, PASSWORD_RESET_TTL_MINUTES } from './password-resets.service';
export { UserCreatedEvent, UserUpdatedEvent, UserDeactivatedEvent, UserActivatedEvent } from './events/tenant-user.events';
