import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject, Logger, Optional } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ClsService } from 'nestjs-cls';
import { requestIdOf } from '../context/request-id';
import { AppError } from './app-error';
import { isDependencyFailure } from './dependency-failure';
import { PROBLEM_JSON } from './problem';

/** Base URI of problem types; `type` is `${PROBLEM_TYPE_BASE}/${code}`. */
export const PROBLEM_TYPE_BASE = 'https://docs.control-plane.dev/problems';

/** Hook told about every problem response before it is sent (used by the audit trail). */
export interface ProblemObserver {
  onProblem(req: Request, status: number, code: string): Promise<void>;
}
export const PROBLEM_OBSERVER = Symbol('PROBLEM_OBSERVER');

const TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 402: 'Payment Required', 403: 'Forbidden', 404: 'Not Found',
  405: 'Method Not Allowed', 409: 'Conflict', 412: 'Precondition Failed', 413: 'Content Too Large',
  415: 'Unsupported Media Type', 422: 'Unprocessable Content', 428: 'Precondition Required',
  429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

const HTTP_CODES: Record<number, string> = {
  400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 405: 'method_not_allowed',
  409: 'conflict', 412: 'precondition_failed', 413: 'payload_too_large', 415: 'unsupported_media_type',
  422: 'unprocessable', 429: 'rate_limited',
};

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
 * `{ type, title, status, detail, code, requestId, errors? }`. A 5xx never carries a stack or
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
    const { problem, headers } = this.toProblem(exception, requestId);
    if (problem.status >= 500) {
      this.logger.error({ err: exception, requestId }, `unhandled error on ${req.method} ${req.originalUrl}`);
    }
    if (this.observer) {
      await this.observer.onProblem(req, problem.status, problem.code).catch((err: Error) => this.logger.error(`problem observer failed: ${err.message}`));
    }
    if (res.headersSent) return;
    res.status(problem.status).setHeader('Content-Type', PROBLEM_JSON);
    if (requestId) res.setHeader('X-Request-Id', requestId);
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    res.send(JSON.stringify(problem));
  }

  private toProblem(exception: unknown, requestId: string): { problem: Problem; headers: Record<string, string> } {
    const base = (status: number, code: string, detail: string): Problem => ({
      type: `${PROBLEM_TYPE_BASE}/${code}`,
      title: TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error'),
      status,
      detail,
      code,
      requestId,
    });
    if (exception instanceof AppError) {
      // Extension members never overwrite the standard ones (RFC 9457 §3.2).
      return { problem: { ...exception.extra, ...base(exception.status, exception.code, exception.detail) }, headers: exception.headers };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (exception.cause instanceof SyntaxError) return { problem: base(400, 'malformed_json', 'The request body is not valid JSON.'), headers: {} };
      const response = exception.getResponse();
      const message = typeof response === 'string' ? response : (response as { message?: string | string[] }).message;
      const detail = Array.isArray(message) ? message.join('; ') : (message ?? exception.message);
      if (status === 404 && /^Cannot /.test(detail)) return { problem: base(404, 'route_not_found', 'No route matches this method and path.'), headers: {} };
      return { problem: base(status, HTTP_CODES[status] ?? (status >= 500 ? 'internal_error' : 'http_error'), status >= 500 ? 'Internal server error.' : detail), headers: {} };
    }
    const bodyParser = exception as { type?: string; status?: number; statusCode?: number; message?: string };
    if (bodyParser && typeof bodyParser === 'object' && typeof bodyParser.type === 'string' && (bodyParser.status ?? 0) >= 400 && (bodyParser.status ?? 0) < 500) {
      const status = bodyParser.status as number;
      if (bodyParser.type === 'entity.parse.failed') return { problem: base(400, 'malformed_json', 'The request body is not valid JSON.'), headers: {} };
      return { problem: base(status, HTTP_CODES[status] ?? 'bad_request', bodyParser.message ?? 'Bad request.'), headers: {} };
    }
    if (isDependencyFailure(exception)) {
      return {
        problem: base(503, 'dependency_unavailable', 'A service this request depends on (database or cache) is unavailable. Retry the request.'),
        headers: { 'Retry-After': '5' },
      };
    }
    const sqlState = sqlStateOf(exception);
    if (sqlState && RETRYABLE_SQLSTATES[sqlState]) {
      return { problem: base(503, 'database_busy', `${RETRYABLE_SQLSTATES[sqlState]} Retry the request.`), headers: { 'Retry-After': '1' } };
    }
    return { problem: base(500, 'internal_error', 'An unexpected error occurred; quote the requestId to support.'), headers: {} };
  }
}
