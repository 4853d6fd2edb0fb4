import { AppError, ConflictError, defineErrors } from '../../common/errors';

/**
 * Error codes of identity and access (docs/adr/0014-error-code-catalog.md): sign-in, tokens,
 * password resets, staff and tenant users. `no_active_admin` and `user_not_found` are also
 * answered by other contexts that look a tenant's users up through this one; they throw
 * {@link NoActiveAdminError} and {@link TenantUserNotFoundError} rather than naming the codes.
 */
export const IAM_ERRORS = defineErrors('iam', {
  invalid_credentials: {
    status: 401,
    title: 'Wrong email or password',
    description: 'No active account matches this email and password (the answer does not say which was wrong). Repeated failures are rate limited.',
    example: { detail: 'The email or password is incorrect.' },
  },
  account_inactive: {
    status: 401,
    title: 'Account inactive',
    description: 'The account (or its tenant) was deactivated or deleted since the token was issued; its tokens no longer work.',
    example: { detail: 'The account is no longer active.' },
  },
  invalid_refresh_token: {
    status: 401,
    title: 'Invalid refresh token',
    description: 'The refresh token is unknown, expired or revoked. Sign in again.',
    example: { detail: 'The refresh token is invalid or expired.' },
  },
  refresh_token_reused: {
    status: 401,
    title: 'Refresh token reused',
    description: 'The refresh token was already exchanged: a sign of theft, so every token of that login was revoked. Sign in again.',
    example: { detail: 'This refresh token was already used; the session has been revoked.' },
  },
  refresh_token_superseded: {
    status: 401,
    title: 'Refresh token just exchanged',
    description: 'A concurrent request exchanged this refresh token a moment ago; use the token pair that request received. The login stays valid.',
    example: { detail: 'This refresh token was just exchanged by a concurrent request; use the token pair that request received.' },
  },
  invalid_reset_token: {
    status: 400,
    family: 'validation',
    title: 'Invalid password reset token',
    description: 'The password reset token is unknown, expired or already used. Ask for a new one.',
    example: { detail: 'The reset token is invalid, expired or already used. Ask for a new one.', errors: [{ field: 'token', message: 'token is invalid, expired or already used' }] },
  },
  account_not_found: {
    status: 404,
    title: 'Account not found',
    description: 'The signed-in principal no longer exists.',
    example: { detail: 'Account was not found.' },
  },
  staff_member_not_found: {
    status: 404,
    title: 'Staff member not found',
    description: 'No platform staff member has this id.',
    example: { detail: 'Staff member 3d0c8f3e-2a4b-4b8e-9a51-6c1f0e2d7b94 was not found.' },
  },
  user_not_found: {
    status: 404,
    title: 'User not found',
    description: 'The tenant has no (active, where the action needs one) user with this id; a user of another tenant is not found either.',
    example: { detail: 'User 9a7e3f10-5b2c-4d8e-8f61-2c4b1a0e3d57 was not found.' },
  },
  staff_email_taken: {
    status: 409,
    family: 'conflict',
    title: 'Email already taken',
    description: 'A staff member already has this email (compared case-insensitively). `field` names the request field.',
    example: { detail: 'A staff member with email pat@example.com already exists.', field: 'email' },
  },
  user_email_taken: {
    status: 409,
    family: 'conflict',
    title: 'Email already taken',
    description: 'A user of this tenant already has this email (compared case-insensitively). `field` names the request field.',
    example: { detail: 'A user with email pat@example.com already exists in this tenant.', field: 'email' },
  },
  last_owner: {
    status: 409,
    family: 'conflict',
    title: 'Last owner',
    description: 'The last active owner of the platform cannot be demoted or deactivated; make another staff member owner first.',
    example: { detail: 'The last active owner cannot be demoted or deactivated.' },
  },
  last_admin: {
    status: 409,
    family: 'conflict',
    title: 'Last admin',
    description: 'The last active admin of a tenant cannot be demoted or deactivated; make another user admin first.',
    example: { detail: 'The last active admin of the organisation cannot be deactivated; make another user admin first.' },
  },
  user_inactive: {
    status: 409,
    family: 'conflict',
    title: 'User inactive',
    description: 'The user is deactivated; activate it before resetting its password.',
    example: { detail: 'User 9a7e3f10-5b2c-4d8e-8f61-2c4b1a0e3d57 is deactivated; activate it before resetting its password.' },
  },
  no_active_admin: {
    status: 409,
    family: 'conflict',
    title: 'No active admin',
    description: 'The tenant has no active admin, so nobody can be chosen by default (the admin password reset, an impersonation without userId). Activate or create an admin, or name a user.',
    example: { detail: 'Tenant acme has no active admin.' },
  },
  service_client_not_found: {
    status: 404,
    title: 'Service client not found',
    description: 'No registered product-module service has this id.',
    example: { detail: 'Service client 0b9f4c1e-2d7a-4e8b-9c3f-5a6b7c8d9e0f not found.' },
  },
  oauth_invalid_request: {
    status: 400,
    title: 'Invalid token request',
    description: 'POST /api/v1/oauth/token: a required parameter (grant_type) is missing or malformed. The body is the RFC 6749 §5.2 error `{ error: "invalid_request", error_description }`, not problem+json.',
    example: { detail: 'grant_type is required.' },
  },
  oauth_invalid_client: {
    status: 401,
    title: 'Client authentication failed',
    description: 'POST /api/v1/oauth/token: unknown client, wrong secret (or a rotated-out one past its overlap), or a revoked client. RFC 6749 §5.2 body `{ error: "invalid_client" }` with WWW-Authenticate: Basic.',
    example: { detail: 'Unknown client, wrong secret, or the client is revoked.' },
  },
  oauth_unsupported_grant_type: {
    status: 400,
    title: 'Grant type not supported',
    description: 'POST /api/v1/oauth/token supports grant_type=client_credentials only (RFC 6749 §4.4). RFC 6749 §5.2 body `{ error: "unsupported_grant_type" }`.',
    example: { detail: 'Only grant_type=client_credentials is supported.' },
  },
  oauth_invalid_scope: {
    status: 400,
    title: 'Scope not granted',
    description: 'POST /api/v1/oauth/token: a requested scope is not one the client was registered with (RFC 6749 §5.2 body `{ error: "invalid_scope" }`).',
    example: { detail: 'Scope usage:read is not granted to this client.' },
  },
  two_factor_required: {
    status: 401,
    title: 'Second factor required',
    description:
      'The password was right, but this staff member signs in with two factors: no token was issued. `challenge` holds a short-lived, single-use token (5 minutes) and the methods it accepts (`totp`, `recovery_code`): send it with a code to POST /api/v1/admin/auth/2fa/verify to receive the token pair.',
    example: {
      detail: 'Enter a code from your authenticator app (or a recovery code) to finish signing in.',
      challenge: { token: 'mfa_1Kq9m0bqv3QpQJ6xM5r2a8n7V0cZ4wLhY3sTt9uE2dA', expiresAt: '2026-04-01T12:05:00.000Z', methods: ['totp', 'recovery_code'] },
    },
  },
  two_factor_enrollment_required: {
    status: 401,
    title: 'Two-factor enrollment required',
    description:
      'The password was right, but two-factor authentication is required for this role (STAFF_2FA_REQUIRED) and the staff member has not enrolled: no token was issued. `challenge` holds a single-use enrollment token (10 minutes, method `enroll`) that can only call POST /api/v1/admin/auth/2fa/challenge/enroll and …/enroll/confirm; confirming returns the recovery codes and the token pair.',
    example: {
      detail: 'Two-factor authentication is required for your role: enroll an authenticator app to finish signing in.',
      challenge: { token: 'mfa_3Vt7pQx0Lr8kZ2mN6bW4yC1dF9gH5jS0aE7uR3iO2lK', expiresAt: '2026-04-01T12:10:00.000Z', methods: ['enroll'] },
    },
  },
  invalid_two_factor_challenge: {
    status: 401,
    title: 'Invalid sign-in challenge',
    description: 'The challenge token is unknown, expired, already used, burnt by too many wrong codes, or of another kind (an enrollment token sent to verify, or the reverse). Sign in again with the password.',
    example: { detail: 'The sign-in challenge is invalid or expired; sign in again.' },
  },
  invalid_second_factor: {
    status: 401,
    title: 'Wrong second factor',
    description: 'The TOTP code (RFC 6238, ±1 time step) or recovery code does not match. Wrong codes count toward the sign-in lock-out; five on one challenge burn it.',
    example: { detail: 'The code is incorrect.' },
  },
  two_factor_code_reused: {
    status: 401,
    title: 'Code already used',
    description: 'This TOTP code was already accepted within its time window; a code is accepted once (RFC 6238 §5.2). Wait for the next code of the authenticator app.',
    example: { detail: 'This code was already used; wait for the next one.' },
  },
  two_factor_code_incorrect: {
    status: 422,
    family: 'unprocessable',
    title: 'Incorrect code',
    description: 'A signed-in staff member sent a TOTP code (or password) that does not match while confirming an enrollment or turning two-factor authentication off; `field` names it. The session is unaffected.',
    example: { detail: 'The code does not match the authenticator app.', field: 'code' },
  },
  two_factor_already_enabled: {
    status: 409,
    family: 'conflict',
    title: 'Two-factor already enabled',
    description: 'Two-factor authentication is already on for this staff member; turn it off first to enroll another authenticator.',
    example: { detail: 'Two-factor authentication is already enabled.', state: 'enabled' },
  },
  two_factor_not_enabled: {
    status: 409,
    family: 'conflict',
    title: 'Two-factor not enabled',
    description: 'The staff member has no active two-factor enrollment to turn off or reset.',
    example: { detail: 'Two-factor authentication is not enabled.', state: 'disabled' },
  },
  two_factor_enrollment_not_started: {
    status: 409,
    family: 'conflict',
    title: 'No enrollment to confirm',
    description: 'There is no pending two-factor enrollment to confirm: start one with POST …/2fa/enroll first.',
    example: { detail: 'Start an enrollment before confirming it.', state: 'disabled' },
  },
  two_factor_required_by_policy: {
    status: 409,
    family: 'conflict',
    title: 'Two-factor required for your role',
    description: 'STAFF_2FA_REQUIRED is on and owners and admins must keep two-factor authentication: it cannot be turned off (an owner can reset it, which makes the member enroll again at the next sign-in).',
    example: { detail: 'Two-factor authentication is required for owners and admins and cannot be turned off.', state: 'required' },
  },
  service_client_revoked: {
    status: 409,
    family: 'conflict',
    title: 'Service client revoked',
    description: 'The service client was revoked: its secret cannot be rotated and it gets no token. Register a new client.',
    example: { detail: 'Service client svc_Q2hhbmdlTWVQbGVhc2UxMjM0 is revoked.' },
  },
});

type IamErrors = typeof IAM_ERRORS;
declare module '../../common/errors/error-catalog' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ErrorCodes extends IamErrors {}
}

/** 409 `no_active_admin`: the tenant has no active admin to act on. */
export class NoActiveAdminError extends ConflictError {
  constructor(detail: string) {
    super('no_active_admin', detail);
  }
}

/** 404 `user_not_found` with a detail saying which user of which tenant is missing. */
export class TenantUserNotFoundError extends AppError<'user_not_found'> {
  constructor(detail: string) {
    super('user_not_found', 404, detail);
  }
}

/** A staff sign-in challenge (the `challenge` member of a 401 `two_factor_required` / `two_factor_enrollment_required`). */
export interface StaffSignInChallenge {
  /** Opaque, single-use; send it to POST /api/v1/admin/auth/2fa/verify (or the challenge enrollment routes). */
  token: string;
  /** ISO 8601 UTC instant after which the token is refused. */
  expiresAt: string;
  /** What the token accepts: `totp` and `recovery_code`, or `enroll` only. */
  methods: ('totp' | 'recovery_code' | 'enroll')[];
}

/**
 * 401 `two_factor_required`: the password was right and a second factor is due; carries the
 * `challenge` (the pattern of Auth0's `mfa_required` and WorkOS's `mfa_challenge`: no token, an
 * error a client unaware of two-factor sign-in cannot mistake for a session).
 */
export class SecondFactorRequiredError extends AppError<'two_factor_required'> {
  constructor(challenge: StaffSignInChallenge) {
    super('two_factor_required', 401, 'Enter a code from your authenticator app (or a recovery code) to finish signing in.', { challenge });
  }
}

/** 401 `two_factor_enrollment_required`: the password was right, 2FA is required for the role and not enrolled yet; carries an enrollment-only `challenge`. */
export class TwoFactorEnrollmentRequiredError extends AppError<'two_factor_enrollment_required'> {
  constructor(challenge: StaffSignInChallenge) {
    super('two_factor_enrollment_required', 401, 'Two-factor authentication is required for your role: enroll an authenticator app to finish signing in.', { challenge });
  }
}
