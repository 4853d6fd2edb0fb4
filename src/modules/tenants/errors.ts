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
  backup_not_found: {
    status: 404,
    title: 'Backup not found',
    description: 'The tenant has no backup with this id (another tenant’s backup is not found either).',
    example: { detail: 'Backup 5e2b7c94-1f0a-4c3d-8e6b-9a1d2f3c4b50 was not found.' },
  },
  backup_not_ready: {
    status: 409,
    family: 'conflict',
    title: 'Backup not ready',
    description: 'The backup’s job has not succeeded (it is queued, running, failed or cancelled); `state` is its status. Follow GET /api/v1/tenant/backups/{backupId} and download once it has succeeded.',
    example: { detail: 'Backup 5e2b7c94-1f0a-4c3d-8e6b-9a1d2f3c4b50 is running; it can be downloaded once it has succeeded.', state: 'running' },
  },
  backup_gone: {
    status: 410,
    title: 'Backup no longer on the server',
    description: 'A backup is downloaded once: its file is deleted from the server after the download, or one hour after it was written. Make a new backup.',
    example: { detail: 'Backup 5e2b7c94-1f0a-4c3d-8e6b-9a1d2f3c4b50 was already downloaded; its file is no longer on the server.' },
  },
  backup_invalid: {
    status: 422,
    family: 'unprocessable',
    title: 'Not a backup archive',
    description: 'The uploaded JSON is not a tenant backup archive (`manifest.format`, `manifest.schemaVersion`, `data` or `signature` missing or malformed). `field` is `file`.',
    example: { detail: 'The file is not a tenant backup archive: manifest.format is not control-plane-tenant-backup.', field: 'file' },
  },
  backup_signature_invalid: {
    status: 422,
    family: 'unprocessable',
    title: 'Backup signature invalid',
    description: 'The archive’s signature does not match its manifest and data: it was changed after it was made, or made by another installation. Nothing is restored.',
    example: { detail: 'The archive’s signature does not verify: it was changed after the backup, or was not made by this server.', field: 'file' },
  },
  backup_foreign_tenant: {
    status: 422,
    family: 'unprocessable',
    title: 'Backup of another tenant',
    description: 'The archive is a backup of another tenant; a tenant restores only its own backups.',
    example: { detail: 'The archive is a backup of tenant other-co, not of this tenant.', field: 'file' },
  },
  backup_schema_unsupported: {
    status: 422,
    family: 'unprocessable',
    title: 'Backup schema version not supported',
    description: 'The archive was written by a newer server (a schema version this server does not know). Older versions are migrated.',
    example: { detail: 'The archive has schema version 9; this server restores versions 1 to 2.', field: 'file' },
  },
  backup_record_invalid: {
    status: 422,
    family: 'unprocessable',
    title: 'Backup record invalid',
    description: 'A record of the archive does not satisfy the current schema; `field` names it (`data.users[3].email`). The restore job fails and changes nothing.',
    example: { detail: 'data.users[3].email: email must be an email', field: 'data.users[3].email' },
  },
  restore_not_found: {
    status: 404,
    title: 'Restore not found',
    description: 'The tenant has no restore with this id (another tenant’s restore is not found either).',
    example: { detail: 'Restore 5e2b7c94-1f0a-4c3d-8e6b-9a1d2f3c4b50 was not found.' },
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
