import { defineErrors } from '../../common/errors';

/**
 * Error codes of the tenant lifecycle, profile and notes (docs/adr/0014-error-code-catalog.md).
 * An unknown tenant is the common `tenant_not_found`, whichever context's route names it.
 */
export const TENANTS_ERRORS = defineErrors('tenants', {
  tenant_slug_taken: {
    status: 409,
    family: 'conflict',
    title: 'Slug already taken',
    description: 'Another tenant (even a deleted one within its grace period) has this slug. `field` names the request field; pick another slug.',
    example: { detail: 'The slug acme is already taken.', field: 'slug' },
  },
  tenant_already_suspended: {
    status: 409,
    family: 'conflict',
    title: 'Tenant already suspended',
    description: 'The tenant is already suspended.',
    example: { detail: 'Tenant 0b5f4c1e-8a0e-4d61-9c3b-8b1f2f4d6a10 is already suspended.' },
  },
  tenant_not_suspended: {
    status: 409,
    family: 'conflict',
    title: 'Tenant not suspended',
    description: 'Only a suspended tenant can be activated.',
    example: { detail: 'Tenant 0b5f4c1e-8a0e-4d61-9c3b-8b1f2f4d6a10 is not suspended.' },
  },
  tenant_already_deleted: {
    status: 409,
    family: 'conflict',
    title: 'Tenant already deleted',
    description: 'The tenant is already deleted; restore it within its grace period or wait for the purge.',
    example: { detail: 'Tenant 0b5f4c1e-8a0e-4d61-9c3b-8b1f2f4d6a10 is already deleted; restore it or wait for the purge.' },
  },
  tenant_not_deleted: {
    status: 409,
    family: 'conflict',
    title: 'Tenant not deleted',
    description: 'Only a deleted tenant can be restored.',
    example: { detail: 'Tenant 0b5f4c1e-8a0e-4d61-9c3b-8b1f2f4d6a10 is not deleted.' },
  },
  tenant_grace_period_over: {
    status: 409,
    family: 'conflict',
    title: 'Grace period over',
    description: 'The deleted tenant’s grace period has ended; it is being purged and can no longer be restored.',
    example: { detail: 'The grace period of tenant 0b5f4c1e-8a0e-4d61-9c3b-8b1f2f4d6a10 ended at 2026-01-31T00:00:00.000Z; it is being purged.' },
  },
  tenant_deleted: {
    status: 409,
    family: 'conflict',
    title: 'Tenant deleted',
    description: 'The tenant is deleted; restore it before changing it.',
    example: { detail: 'Tenant 0b5f4c1e-8a0e-4d61-9c3b-8b1f2f4d6a10 is deleted; restore it first.' },
  },
  tenant_note_not_found: {
    status: 404,
    title: 'Note not found',
    description: 'The tenant has no note with this id.',
    example: { detail: 'Tenant note 5e2b7c94-1f0a-4c3d-8e6b-9a1d2f3c4b50 was not found.' },
  },
  note_author_only: {
    status: 403,
    title: 'Only the author may delete a note',
    description: 'A note can be deleted only by the staff member who wrote it.',
    example: { detail: 'Only the author of a note may delete it.' },
  },
});

type TenantsErrors = typeof TENANTS_ERRORS;
declare module '../../common/errors/error-catalog' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ErrorCodes extends TenantsErrors {}
}
