import { defineErrors } from '../../common/errors';

/** Error codes of the operations context: readiness, the Prometheus scrape endpoint and the problem type pages (docs/adr/0014-error-code-catalog.md). */
export const PLATFORM_ERRORS = defineErrors('platform', {
  not_ready: {
    status: 503,
    family: 'notReady',
    title: 'Not ready',
    description: 'The readiness probe failed: PostgreSQL or Redis does not answer (`failing` names them, `components` gives each result), or the instance is shutting down (`draining: true`). Load balancers stop routing to it.',
    example: { detail: 'Not ready: redis unavailable.', failing: ['redis'], components: { postgres: { status: 'up' }, redis: { status: 'down', message: 'Connection is closed.' } } },
  },
  job_not_found: {
    status: 404,
    title: 'Job not found',
    description: 'No job has this id (or, on a tenant route, no job of your tenant). GET /api/v1/admin/jobs lists them.',
    example: { detail: 'Job 7b0c5c2e-2b1e-4d0f-9b8e-6a1f0c3d2e11 was not found.' },
  },
  metrics_disabled: {
    status: 404,
    title: 'Metrics endpoint disabled',
    description: 'GET /metrics (Prometheus text format) is served only when METRICS_TOKEN is set; then it needs `Authorization: Bearer <METRICS_TOKEN>`.',
    example: { detail: 'The metrics endpoint is disabled: METRICS_TOKEN is not set.' },
  },
  export_not_found: {
    status: 404,
    title: 'Export not found',
    description: 'No export has this id (or, on a tenant route, no export of your tenant). GET …/exports lists them.',
    example: { detail: 'Export 5d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d was not found.' },
  },
  export_not_ready: {
    status: 409,
    family: 'conflict',
    title: 'Export not ready',
    description: 'The export has no file yet (its job is queued or running) or never will (failed, cancelled). `state` is its status; follow its job and ask again once it has succeeded.',
    example: { detail: 'Export 5d1c… is running; a link is available once it has succeeded.', state: 'running' },
  },
  export_expired: {
    status: 410,
    title: 'Export expired',
    description: 'The export file was purged (files are kept 7 days). Request a new export.',
    example: { detail: 'Export 5d1c… has expired; its file was purged. Request a new export.' },
  },
  export_link_invalid: {
    status: 403,
    title: 'Download link invalid',
    description: 'The signature does not match or the link has expired (links last 10 minutes). Ask for a new one: GET …/exports/{exportId}/download.',
    example: { detail: 'The download link is invalid or has expired; ask for a new one.' },
  },
  problem_type_not_found: {
    status: 404,
    title: 'Problem type not found',
    description: 'No error code of this API has this name. GET /api/v1/problems lists them all.',
    example: { detail: 'No problem type is named quota_exceded.' },
  },
});

type PlatformErrors = typeof PLATFORM_ERRORS;
declare module '../../common/errors/error-catalog' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ErrorCodes extends PlatformErrors {}
}
