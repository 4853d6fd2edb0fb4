/** One invalid field of a request (RFC 9457 extension member `errors`). */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * Base of every domain error. Domain code throws these, never HTTP exceptions; the global
 * problem filter maps them to RFC 9457 problem+json. `code` is stable and documented;
 * `extra` members are copied into the problem body (e.g. `metric`, `limit`, `used`).
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = new.target.name;
  }
}

/** 400: the request is syntactically valid JSON but a field is invalid. */
export class ValidationError extends AppError {
  constructor(errors: FieldError[], detail = `Invalid request: ${errors.map((e) => e.field).join(', ')}`) {
    super('validation_failed', 400, detail, { errors });
  }
}

/**
 * 400: a request value is past a shape limit (docs/adr/0011-request-shape-limits.md) — code
 * `request_too_deep` (nested too deep) or `array_too_long`; `errors` names the value's path like a
 * validation error does.
 */
export class RequestShapeError extends AppError {
  constructor(code: 'request_too_deep' | 'array_too_long', error: FieldError) {
    super(code, 400, `Request rejected: ${error.message}.`, { errors: [error] });
  }
}

/** 401: missing, invalid, expired or revoked credentials. */
export class UnauthorizedError extends AppError {
  constructor(detail = 'Authentication is required.', code = 'unauthorized') {
    super(code, 401, detail);
  }
}

/** 403: authenticated but not allowed. */
export class ForbiddenError extends AppError {
  constructor(detail = 'You are not allowed to perform this action.', code = 'forbidden', extra: Record<string, unknown> = {}) {
    super(code, 403, detail, extra);
  }
}

/** 404: the resource does not exist or belongs to another tenant (never a 403, CONVENTIONS §4). */
export class NotFoundError extends AppError {
  constructor(resource: string, id?: string) {
    super(`${resource.replace(/\s+/g, '_').toLowerCase()}_not_found`, 404, id ? `${resource} ${id} was not found.` : `${resource} was not found.`);
  }
}

/** 409: the request conflicts with the current state. */
export class ConflictError extends AppError {
  constructor(code: string, detail: string, extra: Record<string, unknown> = {}) {
    super(code, 409, detail, extra);
  }
}

/** 422: well-formed but semantically unusable (unknown plan, idempotency key reuse). */
export class UnprocessableError extends AppError {
  constructor(code: string, detail: string, extra: Record<string, unknown> = {}) {
    super(code, 422, detail, extra);
  }
}

/** 429 with `Retry-After` in seconds (RFC 9110 §10.2.3). */
export class TooManyRequestsError extends AppError {
  constructor(retryAfterSeconds: number, detail = 'Too many requests; retry later.') {
    super('rate_limited', 429, detail, { retryAfterSeconds }, { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
  }
}
