import { defineErrors } from '../../common/errors';

/** Error codes of impersonation sessions (docs/adr/0014-error-code-catalog.md). */
export const IMPERSONATION_ERRORS = defineErrors('impersonation', {
  impersonation_session_not_found: {
    status: 404,
    title: 'Impersonation session not found',
    description: 'No impersonation session has this id.',
    example: { detail: 'Impersonation session 2f4e6a8c-0b1d-4e3f-9a5c-7d9e1f3a5b7c was not found.' },
  },
  impersonation_not_active: {
    status: 409,
    family: 'conflict',
    title: 'Impersonation session not active',
    description: 'The session has already ended or expired. `state` says which (`ended` | `expired`).',
    example: { detail: 'Impersonation session 2f4e6a8c-0b1d-4e3f-9a5c-7d9e1f3a5b7c has already been ended.', state: 'ended' },
  },
  tenant_not_active: {
    status: 409,
    family: 'conflict',
    title: 'Tenant not active',
    description: 'Only users of an active tenant can be impersonated. `state` is the tenant’s status (`suspended` | `deleted`).',
    example: { detail: 'Tenant acme is suspended; only users of an active tenant can be impersonated.', state: 'suspended' },
  },
});

type ImpersonationErrors = typeof IMPERSONATION_ERRORS;
declare module '../../common/errors/error-catalog' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ErrorCodes extends ImpersonationErrors {}
}
