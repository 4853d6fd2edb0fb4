import { defineErrors } from '../../common/errors';

/** Error codes of compliance requests (GDPR exports and erasures with two-person approval; docs/compliance.md). */
export const COMPLIANCE_ERRORS = defineErrors('compliance', {
  compliance_request_not_found: {
    status: 404,
    title: 'Compliance request not found',
    description: 'No compliance request has this id. GET /api/v1/admin/compliance/requests lists them.',
    example: { detail: 'Compliance request 3f1e2d4c-5b6a-4c7d-8e9f-0a1b2c3d4e5f was not found.' },
  },
  compliance_subject_not_found: {
    status: 404,
    title: 'No such person in the tenant',
    description: 'The tenant has no user, contact or billing address with this email, so it holds no personal data to export or erase under it. Check the address.',
    example: { detail: 'Tenant 0b5f4c1e-8a0e-4d61-9c3b-8b1f2f4d6a10 holds no person with email jane@example.com.' },
  },
  approval_by_requester: {
    status: 403,
    title: 'A second staff member must approve',
    description: 'A destructive compliance request needs the approval of an owner or admin other than the staff member who asked for it (two-person rule). Ask a colleague to approve it.',
    example: { detail: 'You requested this erasure; another owner or admin must approve it.' },
  },
  compliance_request_not_pending: {
    status: 409,
    family: 'conflict',
    title: 'Compliance request not pending',
    description: 'Only a request waiting for approval can be approved or rejected; `state` is its status (approved, running, completed, rejected, expired, failed).',
    example: { detail: 'Compliance request 3f1e… is rejected; only a pending request can be approved.', state: 'rejected' },
  },
  compliance_request_expired: {
    status: 409,
    family: 'conflict',
    title: 'Compliance request expired',
    description: 'An erasure must be approved within 48 hours of its request; this one was not, so it expired and nothing was erased. Ask again if it is still wanted.',
    example: { detail: 'Compliance request 3f1e… expired at 2026-03-03T10:00:00.000Z without approval; nothing was erased.', state: 'expired' },
  },
  compliance_archive_not_ready: {
    status: 409,
    family: 'conflict',
    title: 'Archive not ready',
    description: 'The request is not a completed export (an erasure has no archive; an export is still running or failed). `state` is its status.',
    example: { detail: 'Compliance request 3f1e… is running; its archive is available once it has completed.', state: 'running' },
  },
  compliance_archive_expired: {
    status: 410,
    title: 'Archive expired',
    description: 'The archive was purged (archives are kept 7 days). Request a new export.',
    example: { detail: 'The archive of compliance request 3f1e… was purged. Request a new export.' },
  },
  compliance_link_invalid: {
    status: 403,
    title: 'Archive link invalid',
    description: 'The signature does not match or the link has expired (links last 10 minutes). Ask for a new one: GET /api/v1/admin/compliance/requests/{requestId}/download.',
    example: { detail: 'The archive link is invalid or has expired; ask for a new one.' },
  },
});

type ComplianceErrors = typeof COMPLIANCE_ERRORS;
declare module '../../common/errors/error-catalog' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ErrorCodes extends ComplianceErrors {}
}
