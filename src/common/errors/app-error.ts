import './common-errors';
import { ErrorCode, ErrorCodeWithStatus, errorEntry, StatusOfCode } from './error-catalog';

/** One invalid field of a request (RFC 9457 extension member `errors`). */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * Base of every domain error. Domain code throws these, never HTTP exceptions; the global
 * problem filter maps them to RFC 9457 problem+json. `code` is a catalogued code
 * (docs/adr/0014-error-code-catalog.md) and `status` must be the catalog's status of that code
 * (checked by the compiler); `extra` members are copied into the problem body (e.g. `metric`,
 * `limit`, `used`), `headers` onto the response.
 */
export class AppError<C extends ErrorCode = ErrorCode> extends Error {
  readonly status: number;
  /**
   * The body to answer instead of problem+json, as `application/json`, on a route whose standard
   * defines its own error body (the OAuth 2.0 token endpoint, RFC 6749 §5.2). The code still goes
   * to the audit trail and the logs.
   */
  standardBody?: Record<string, unknown>;

  constructor(
    readonly code: C,
    status: StatusOfCode<C>,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = new.target.name;
    // The catalog is the source of the status; the argument only lets the compiler check it.
    this.status = errorEntry(code)?.status ?? (status as number);
  }
}

/** 400 `validation_failed`: the request is syntactically valid JSON but a field is invalid. */
export class ValidationError extends AppError<'validation_failed'> {
  constructor(errors: FieldError[], detail = `Invalid request: ${errors.map((e) => e.field).join(', ')}`) {
    super('validation_failed', 400, detail, { errors });
  }
}

/**
 * 400: a request value is past a shape limit (docs/adr/0011-request-shape-limits.md) — code
 * `request_too_deep` (nested too deep) or `array_too_long`; `errors` names the value's path like a
 * validation error does.
 */
export class RequestShapeError extends AppError<'request_too_deep' | 'array_too_long'> {
  constructor(code: 'request_too_deep' | 'array_too_long', error: FieldError) {
    super(code, 400, `Request rejected: ${error.message}.`, { errors: [error] });
  }
}

/** 401: missing, invalid, expired or revoked credentials; `code` is a catalogued 401 code. */
export class UnauthorizedError extends AppError<ErrorCodeWithStatus<401>> {
  constructor(detail = 'Authentication is required.', code: ErrorCodeWithStatus<401> = 'unauthorized') {
    super(code, 401, detail);
  }
}

/** 403: authenticated but not allowed; `code` is a catalogued 403 code. */
export class ForbiddenError extends AppError<ErrorCodeWithStatus<403>> {
  constructor(detail = 'You are not allowed to perform this action.', code: ErrorCodeWithStatus<403> = 'forbidden', extra: Record<string, unknown> = {}) {
    super(code, 403, detail, extra);
  }
}

/** `Tenant note` → `tenant_note_not_found`: the code a {@link NotFoundError} of a resource answers. */
export type NotFoundCodeOf<R extends string> = `${Lowercase<SpacesToUnderscores<R>>}_not_found`;
type SpacesToUnderscores<S extends string> = S extends `${infer A} ${infer B}` ? `${A}_${SpacesToUnderscores<B>}` : S;

/** The resource names whose derived code is catalogued as a 404 (others do not compile). */
type CataloguedResource<R extends string> = NotFoundCodeOf<R> extends ErrorCodeWithStatus<404> ? R : never;

/**
 * 404: the resource does not exist or belongs to another tenant (never a 403, CONVENTIONS §4).
 * The code is derived from the resource name (`Tenant note` → `tenant_note_not_found`) and must be
 * a catalogued 404 code; `detail` is `<resource> <id> was not found.`
 */
export class NotFoundError<R extends string = string> extends AppError<ErrorCodeWithStatus<404>> {
  constructor(resource: R & CataloguedResource<R>, id?: string) {
    super(notFoundCodeOf(resource), 404, id ? `${resource} ${id} was not found.` : `${resource} was not found.`);
  }
}

/** Runtime twin of {@link NotFoundCodeOf}. */
export function notFoundCodeOf<R extends string>(resource: R): NotFoundCodeOf<R> & ErrorCodeWithStatus<404> {
  return `${resource.replace(/\s+/g, '_').toLowerCase()}_not_found` as NotFoundCodeOf<R> & ErrorCodeWithStatus<404>;
}

/** Extension members of a 409 (ConflictProblemDto): the `field` of a taken value, or the `state` that blocks the change. */
export interface ConflictExtra {
  field?: string;
  state?: string;
}

/** 409: the request conflicts with the current state; `code` is a catalogued 409 code. */
export class ConflictError extends AppError<ErrorCodeWithStatus<409>> {
  constructor(code: ErrorCodeWithStatus<409>, detail: string, extra: ConflictExtra = {}) {
    super(code, 409, detail, { ...extra });
  }
}

/** 422: well-formed but semantically unusable (unknown plan, idempotency key reuse); `field` names the unusable value. */
export class UnprocessableError extends AppError<ErrorCodeWithStatus<422>> {
  constructor(code: ErrorCodeWithStatus<422>, detail: string, extra: { field?: string } = {}) {
    super(code, 422, detail, { ...extra });
  }
}

/** 429 `rate_limited`: `retryAfterSeconds` and the `Retry-After` header carry the same whole seconds (RFC 9110 §10.2.3). */
export class TooManyRequestsError extends AppError<'rate_limited'> {
  constructor(retryAfterSeconds: number, detail = 'Too many requests; retry later.') {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super('rate_limited', 429, detail, { retryAfterSeconds: seconds }, { 'Retry-After': String(seconds) });
  }
}
