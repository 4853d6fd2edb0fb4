import { defineErrors } from './error-catalog';

/**
 * Catalog fragment of the mechanisms in common/ (docs/adr/0014-error-code-catalog.md): request
 * validation and shape limits, authentication and authorization, idempotency keys, If-Match, the
 * problem filter's own codes for framework, body-parser and database failures, and the two codes
 * about the tenant itself that routes of every context answer: `tenant_not_found` (a tenant path
 * parameter appears in plans, usage, impersonation and tenants) and `tenant_suspended` (the
 * suspension policy on every tenant route). Contexts below tenants and plans cannot import them.
 * Statuses follow CONVENTIONS §5.
 */
export const COMMON_ERRORS = defineErrors('common', {
  validation_failed: {
    status: 400,
    family: 'validation',
    defaultForStatus: true,
    title: 'Invalid request',
    description: 'A path, query, header or body value is invalid. `errors` names each invalid field with a message; fix them and retry.',
    example: { detail: 'Invalid request: email', errors: [{ field: 'email', message: 'email must be an email' }] },
  },
  request_too_deep: {
    status: 400,
    family: 'validation',
    title: 'Request nested too deep',
    description: 'A request body is nested deeper than 32 levels (docs/adr/0011-request-shape-limits.md). `errors` names the path where the limit was passed.',
    example: { detail: 'Request rejected: tags.a.a is nested deeper than 32 levels.', errors: [{ field: 'tags.a.a', message: 'tags.a.a is nested deeper than 32 levels' }] },
  },
  array_too_long: {
    status: 400,
    family: 'validation',
    title: 'Array too long',
    description: 'An array in the request body has more than 1,000 items (docs/adr/0011-request-shape-limits.md). `errors` names the array.',
    example: { detail: 'Request rejected: tags has 1001 items; at most 1000 are allowed.', errors: [{ field: 'tags', message: 'tags has 1001 items; at most 1000 are allowed' }] },
  },
  malformed_json: {
    status: 400,
    title: 'Malformed JSON',
    description: 'The request body is not valid JSON. Send a well-formed JSON document with Content-Type: application/json.',
    example: { detail: 'The request body is not valid JSON.' },
  },
  bad_request: {
    status: 400,
    title: 'Bad request',
    description: 'The request could not be read (for example an aborted or mis-sized body), or a framework component refused it with a status this API has no more specific code for.',
    example: { detail: 'Bad request.' },
  },
  unauthorized: {
    status: 401,
    defaultForStatus: true,
    title: 'Authentication required',
    description: 'The route needs a bearer access token and none was sent. Sign in and send `Authorization: Bearer <accessToken>`.',
    example: { detail: 'A bearer access token is required.' },
  },
  invalid_token: {
    status: 401,
    title: 'Invalid access token',
    description: 'The bearer token is not an access token this service issued: bad signature, wrong type or algorithm, a missing or invalid claim (docs/adr/0009-access-token-verification.md). Sign in again.',
    example: { detail: 'Invalid access token.' },
  },
  token_expired: {
    status: 401,
    title: 'Access token expired',
    description: 'The access token has passed its expiry. Exchange the refresh token at POST /api/v1/auth/refresh for a new pair.',
    example: { detail: 'The access token has expired.' },
  },
  invalid_api_key: {
    status: 401,
    title: 'Invalid API key',
    description: 'The X-Api-Key is unknown, revoked, expired (a rotated-out key past its overlap), or its partner was deactivated; or the request sent both a key and a bearer token. Ask the tenant admin for a key.',
    example: { detail: 'The API key is not valid.' },
  },
  token_revoked: {
    status: 401,
    title: 'Access token revoked',
    description: 'The access token was revoked (sign-out, password change, deactivation, tenant deletion, or the end of an impersonation session). Sign in again.',
    example: { detail: 'The token has been revoked.' },
  },
  forbidden: {
    status: 403,
    defaultForStatus: true,
    title: 'Not allowed',
    description: 'The caller is authenticated but its principal kind or role may not perform this action (a tenant token on a staff route, a support member on an owner-only route).',
    example: { detail: 'Your role (support) may not perform this action.' },
  },
  impersonation_forbidden: {
    status: 403,
    title: 'Not allowed during impersonation',
    description: 'The route is denied to impersonation tokens (credentials, password resets, payment details and other actions staff may not take in a user’s place). Ask the user to do it.',
    example: { detail: 'This action is not allowed during impersonation.' },
  },
  insufficient_scope: {
    status: 403,
    title: 'Scope missing',
    description: 'The service client’s token lacks a scope the route needs (RFC 6750 §3.1). Staff grant scopes when registering the client; request a token again after a change.',
    example: { detail: 'This route needs the scope quota:reserve, which this client was not granted.' },
  },
  module_not_enabled: {
    status: 403,
    family: 'module',
    title: 'Module not enabled',
    description:
      'The route belongs to a product module the tenant is not entitled to: `module` names it, `reason` says why (not_subscribed, subscription_cancelled, subscription_suspended, subscription_past_due, deactivated_by_tenant, disabled_by_staff, unknown_module), `subscribeUrl` is where a tenant admin starts a trial or subscribes.',
    example: { detail: 'The integrations module is not enabled for your organisation (not_subscribed).', module: 'integrations', reason: 'not_subscribed', subscribeUrl: '/api/v1/tenant/modules/integrations/subscribe' },
  },
  tenant_suspended: {
    status: 403,
    title: 'Tenant suspended',
    description: 'The tenant is suspended: its admins may only read, its other users are refused, on every tenant route, until staff reactivate it.',
    example: { detail: 'Your organisation is suspended: it is read-only until it is reactivated.' },
  },
  not_found: {
    status: 404,
    defaultForStatus: true,
    title: 'Not found',
    description: 'The resource does not exist, or belongs to another tenant (never a 403, CONVENTIONS §4).',
    example: { detail: 'Not found.' },
  },
  route_not_found: {
    status: 404,
    title: 'No such route',
    description: 'No route matches this method and path. Check the path against the API reference (GET /docs).',
    example: { detail: 'No route matches this method and path.' },
  },
  tenant_not_found: {
    status: 404,
    title: 'Tenant not found',
    description: 'No tenant has this id (or it was purged). Every route that takes a tenant id answers this code for an unknown tenant.',
    example: { detail: 'Tenant 0b5f4c1e-8a0e-4d61-9c3b-8b1f2f4d6a10 was not found.' },
  },
  method_not_allowed: {
    status: 405,
    title: 'Method not allowed',
    description: 'The path exists but does not accept this method.',
    example: { detail: 'Method not allowed.' },
  },
  conflict: {
    status: 409,
    family: 'conflict',
    defaultForStatus: true,
    title: 'Conflict',
    description: 'The request conflicts with the current state of the resource; read it again and retry.',
    example: { detail: 'The request conflicts with the current state.' },
  },
  idempotency_key_in_use: {
    status: 409,
    family: 'conflict',
    title: 'Idempotency key in use',
    description: 'A request with this Idempotency-Key is still being processed. Retry shortly with the same key and body to receive its response.',
    example: { detail: 'A request with this Idempotency-Key is still being processed; retry shortly.' },
  },
  precondition_failed: {
    status: 412,
    family: 'precondition',
    defaultForStatus: true,
    title: 'Precondition failed',
    description: 'If-Match does not match the resource’s current ETag: it changed since you read it (RFC 9110 §13.1.1). `etag` is the current one; read the resource again and retry.',
    example: { detail: 'The tenant was changed since you read it (If-Match does not match its ETag); reload it and retry.', etag: '"4"' },
  },
  payload_too_large: {
    status: 413,
    title: 'Request body too large',
    description: 'The request body is over 1 MB.',
    example: { detail: 'request entity too large' },
  },
  unsupported_media_type: {
    status: 415,
    title: 'Unsupported media type',
    description: 'The request body’s charset or encoding is not supported. Send UTF-8 JSON.',
    example: { detail: 'unsupported charset "LATIN1"' },
  },
  unprocessable: {
    status: 422,
    family: 'unprocessable',
    defaultForStatus: true,
    title: 'Unprocessable request',
    description: 'The request is well-formed but cannot be carried out as given.',
    example: { detail: 'The request cannot be processed.' },
  },
  idempotency_key_reused: {
    status: 422,
    family: 'unprocessable',
    title: 'Idempotency key reused',
    description: 'This Idempotency-Key was already used with a different request body. Use a new key for a new request.',
    example: { detail: 'This Idempotency-Key was already used with a different request; use a new key for a new request.' },
  },
  rate_limited: {
    status: 429,
    family: 'rateLimited',
    defaultForStatus: true,
    title: 'Too many requests',
    description: 'Too many requests (or failed sign-ins) from this client. Wait `retryAfterSeconds` (also the Retry-After header, RFC 9110 §10.2.3) before retrying.',
    example: { detail: 'Too many failed sign-in attempts; retry later.', retryAfterSeconds: 900 },
  },
  tenant_rate_limited: {
    status: 429,
    family: 'rateLimited',
    title: 'Tenant rate limit reached',
    description:
      'Your organisation made more requests than its request rate allows (its plan’s, a temporary limit set by the platform, or the platform default): `limit` requests per minute plus a burst allowance. Wait `retryAfterSeconds` (also the Retry-After header, RFC 6585 §4, RFC 9110 §10.2.3); the RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset headers on every answer say how much is left. Distinct from 402 (billing, quota) and 403 (plan, module, suspension).',
    example: { detail: 'Your organisation made more than 600 requests in a minute; retry in 12 s.', retryAfterSeconds: 12, limit: 600 },
  },
  internal_error: {
    status: 500,
    defaultForStatus: true,
    title: 'Internal error',
    description: 'An unexpected error occurred; nothing about it is shown. Quote the requestId to support.',
    example: { detail: 'An unexpected error occurred; quote the requestId to support.' },
  },
  database_busy: {
    status: 503,
    title: 'Database busy',
    description: 'The database could not serve the change in time (a lock wait or statement timeout, a serialization failure or deadlock). Nothing was changed; retry after the Retry-After header.',
    example: { detail: 'A database lock could not be acquired in time. Retry the request.' },
  },
  maintenance: {
    status: 503,
    family: 'maintenance',
    title: 'Down for maintenance',
    description:
      'The platform is in maintenance: tenant routes (tenant users, partner API keys, product-module services) are paused; staff routes and the health probes keep working. `detail` is the operators’ message, `until` when it is planned to end (null: not announced); retry after `retryAfterSeconds` (also the Retry-After header, RFC 9110 §10.2.3 and §15.6.4).',
    example: { detail: 'Scheduled database upgrade; back by 02:00 UTC.', retryAfterSeconds: 1800, until: '2026-01-31T02:00:00.000Z' },
  },
  dependency_unavailable: {
    status: 503,
    defaultForStatus: true,
    title: 'Dependency unavailable',
    description: 'PostgreSQL or Redis could not be reached. Retry after the Retry-After header.',
    example: { detail: 'A service this request depends on (database or cache) is unavailable. Retry the request.' },
  },
});

type CommonErrors = typeof COMMON_ERRORS;
declare module './error-catalog' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ErrorCodes extends CommonErrors {}
}
