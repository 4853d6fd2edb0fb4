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
  metrics_disabled: {
    status: 404,
    title: 'Metrics endpoint disabled',
    description: 'GET /metrics (Prometheus text format) is served only when METRICS_TOKEN is set; then it needs `Authorization: Bearer <METRICS_TOKEN>`.',
    example: { detail: 'The metrics endpoint is disabled: METRICS_TOKEN is not set.' },
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
