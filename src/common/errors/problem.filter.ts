import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject, Logger, Optional } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ClsService } from 'nestjs-cls';
import { requestIdOf } from '../context/request-id';
import { AppError } from './app-error';
import { ErrorCode, errorEntry, problemTypeOf } from './error-catalog';
import { isDependencyFailure } from './dependency-failure';
import { PROBLEM_JSON } from './problem';

/** Hook told about every problem response before it is sent (used by the audit trail). */
export interface ProblemObserver {
  onProblem(req: Request, status: number, code: string): Promise<void>;
}
export const PROBLEM_OBSERVER = Symbol('PROBLEM_OBSERVER');

/**
 * Catalogued code of an HttpException or body-parser error that carries no code of its own, by
 * status. Any other status answers `bad_request` (4xx) or `internal_error` (5xx), with the
 * catalog's status of that code, so a response's status is always its code's.
 */
const HTTP_CODES: Record<number, ErrorCode> = {
  400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 405: 'method_not_allowed',
  409: 'conflict', 412: 'precondition_failed', 413: 'payload_too_large', 415: 'unsupported_media_type',
  422: 'unprocessable', 429: 'rate_limited',
};

/** The code answered for a framework error of `status` that carries no code. */
function httpCodeOf(status: number): ErrorCode {
  return HTTP_CODES[status] ?? (status >= 500 ? 'internal_error' : 'bad_request');
}

/**
 * PostgreSQL errors that mean "try again", not "this request is wrong" (SQLSTATE, PostgreSQL
 * appendix A): the connection backstops (lock_timeout → 55P03, statement_timeout → 57014,
 * idle_in_transaction_session_timeout → 25P03) and the conflicts PostgreSQL resolves by aborting
 * one side (40001 serialization failure, 40P01 deadlock). Answered 503 with Retry-After.
 */
const RETRYABLE_SQLSTATES: Record<string, string> = {
  '55P03': 'A database lock could not be acquired in time.',
  '57014': 'A database statement took too long and was cancelled.',
  '25P03': 'A database transaction stayed idle too long and was ended.',
  '40001': 'The change conflicted with a concurrent one.',
  '40P01': 'The change conflicted with a concurrent one.',
};

/** SQLSTATE of a pg (or TypeORM-wrapped pg) error, if any. */
function sqlStateOf(exception: unknown): string | undefined {
  const e = exception as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  requestId: string;
  [extra: string]: unknown;
}

/**
 * The one global exception filter: every error becomes RFC 9457 `application/problem+json`
 * `{ type, title, status, detail, code, requestId, errors? }`, with the status and title of its
 * code in the error catalog and `type` = `/api/v1/problems/{code}`. A 5xx never carries a stack or
 * SQL; it is logged with the request id instead.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  constructor(
    private readonly cls: ClsService,
    @Optional() @Inject(PROBLEM_OBSERVER) private readonly observer?: ProblemObserver,
  ) {}

  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    // Body-parser errors happen before the CLS middleware: fall back to the request itself.
    const requestId = (this.cls.isActive() && this.cls.getId()) || requestIdOf(req, res);
    const { problem, headers } = this.toProblem(exception, requestId, res);
    if (problem.status >= 500) {
      this.logger.error({ err: exception, requestId }, `unhandled error on ${req.method} ${req.originalUrl}`);
    }
    if (this.observer) {
      await this.observer.onProblem(req, problem.status, problem.code).catch((err: Error) => this.logger.error(`problem observer failed: ${err.message}`));
    }
    if (res.headersSent) return;
    if (exception instanceof AppError && exception.standardBody) {
      res.status(problem.status).setHeader('Content-Type', 'application/json; charset=utf-8');
      if (requestId) res.setHeader('X-Request-Id', requestId);
      for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
      res.send(JSON.stringify(exception.standardBody));
      return;
    }
    res.status(problem.status).setHeader('Content-Type', PROBLEM_JSON);
    if (requestId) res.setHeader('X-Request-Id', requestId);
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    res.send(JSON.stringify(problem));
  }

  private toProblem(exception: unknown, requestId: string, res: Response): { problem: Problem; headers: Record<string, string> } {
    // Status and title come from the catalog (docs/adr/0014-error-code-catalog.md); `type` is the
    // relative URI of the code's page, GET /api/v1/problems/{code}.
    const base = (code: ErrorCode, detail: string, fallbackStatus = 500): Problem => {
      const entry = errorEntry(code);
      if (!entry) this.logger.error(`error code ${code} is not in the error catalog`);
      return { type: problemTypeOf(code), title: entry?.title ?? 'Error', status: entry?.status ?? fallbackStatus, detail, code, requestId };
    };
    if (exception instanceof AppError) {
      // Extension members never overwrite the standard ones (RFC 9457 §3.2).
      return { problem: { ...exception.extra, ...base(exception.code, exception.detail, exception.status) }, headers: exception.headers };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (exception.cause instanceof SyntaxError) return { problem: base('malformed_json', 'The request body is not valid JSON.'), headers: {} };
      const response = exception.getResponse();
      const message = typeof response === 'string' ? response : (response as { message?: string | string[] }).message;
      const detail = Array.isArray(message) ? message.join('; ') : (message ?? exception.message);
      if (status === 404 && /^Cannot /.test(detail)) return { problem: base('route_not_found', 'No route matches this method and path.'), headers: {} };
      if (status >= 500) return { problem: base('internal_error', 'An unexpected error occurred; quote the requestId to support.'), headers: {} };
      if (status === 429) return this.rateLimited(res, base);
      return { problem: base(httpCodeOf(status), detail), headers: {} };
    }
    const bodyParser = exception as { type?: string; status?: number; statusCode?: number; message?: string };
    if (bodyParser && typeof bodyParser === 'object' && typeof bodyParser.type === 'string' && (bodyParser.status ?? 0) >= 400 && (bodyParser.status ?? 0) < 500) {
      const status = bodyParser.status as number;
      if (bodyParser.type === 'entity.parse.failed') return { problem: base('malformed_json', 'The request body is not valid JSON.'), headers: {} };
      return { problem: base(httpCodeOf(status), bodyParser.message ?? 'Bad request.'), headers: {} };
    }
    if (isDependencyFailure(exception)) {
      return {
        problem: base('dependency_unavailable', 'A service this request depends on (database or cache) is unavailable. Retry the request.'),
        headers: { 'Retry-After': '5' },
      };
    }
    const sqlState = sqlStateOf(exception);
    if (sqlState && RETRYABLE_SQLSTATES[sqlState]) {
      return { problem: base('database_busy', `${RETRYABLE_SQLSTATES[sqlState]} Retry the request.`), headers: { 'Retry-After': '1' } };
    }
    return { problem: base('internal_error', 'An unexpected error occurred; quote the requestId to support.'), headers: {} };
  }

  /**
   * 429 of @nestjs/throttler, which sets `Retry-After-<throttler>` before throwing: the problem
   * says `retryAfterSeconds` like the login limiter's does, with a detail of its own (never the
   * library's class name), and only the standard Retry-After header is sent (RFC 9110 §10.2.3).
   */
  private rateLimited(res: Response, base: (code: ErrorCode, detail: string) => Problem): { problem: Problem; headers: Record<string, string> } {
    const header = res.getHeaderNames().find((name) => name.toLowerCase().startsWith('retry-after'));
    const seconds = Math.max(1, Math.ceil(Number(header ? res.getHeader(header) : NaN) || 1));
    if (header && header.toLowerCase() !== 'retry-after') res.removeHeader(header);
    const detail = `Too many requests from this client; retry in ${seconds} s.`;
    return { problem: { retryAfterSeconds: seconds, ...base('rate_limited', detail) }, headers: { 'Retry-After': String(seconds) } };
  }
}
