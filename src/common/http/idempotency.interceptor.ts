import { applyDecorators, CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor, SetMetadata, UseInterceptors } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiHeader } from '@nestjs/swagger';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { Request, Response } from 'express';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { from, lastValueFrom, Observable } from 'rxjs';
import { APP_CONFIG, AppConfig } from '../../config';
import { RequestContext } from '../context/request-context';
import { ConflictError, UnprocessableError, ValidationError } from '../errors/app-error';
import { ApiProblems, successStatusOf } from './api-docs';
import { IdempotencyKeys } from './idempotency-keys';

/** Request header carrying the key (draft-ietf-httpapi-idempotency-key-header). */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
/** Response header set on a replayed response. */
export const IDEMPOTENT_REPLAY_HEADER = 'Idempotent-Replayed';
/** How long a key and its first response are kept (issue 3 §2). */
export const IDEMPOTENCY_TTL_HOURS = 24;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** Encrypted form of a stored response body (AES-256-GCM). */
interface SealedBody {
  /** Key scheme version ({@link IdempotencyKeys}). */
  v: 1 | 2;
  iv: string;
  tag: string;
  data: string;
}

/**
 * Deterministic JSON: object keys sorted at every depth, `undefined` members dropped, arrays in
 * order. Two bodies that differ only in key order or whitespace have the same canonical form.
 * Iterative (an explicit stack of pending values and literal text), so the fingerprint of a
 * request body nested arbitrarily deep never overflows the call stack: the interceptor runs before
 * the shape limits of the body are checked.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  // Items are popped from the end: a container pushes its closing text first, then its members in reverse.
  const stack: ({ text: string } | { value: unknown })[] = [{ value }];
  while (stack.length) {
    const item = stack.pop()!;
    if ('text' in item) {
      out.push(item.text);
      continue;
    }
    const v = item.value;
    if (v === null || typeof v !== 'object') {
      out.push(JSON.stringify(v) ?? 'null');
    } else if (Array.isArray(v)) {
      stack.push({ text: ']' });
      for (let i = v.length - 1; i >= 0; i -= 1) {
        stack.push(v[i] === undefined ? { text: 'null' } : { value: v[i] });
        if (i > 0) stack.push({ text: ',' });
      }
      out.push('[');
    } else if (typeof (v as { toJSON?: unknown }).toJSON === 'function') {
      stack.push({ value: (v as { toJSON(): unknown }).toJSON() });
    } else {
      const entries = Object.entries(v as Record<string, unknown>)
        .filter(([, m]) => m !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      stack.push({ text: '}' });
      for (let i = entries.length - 1; i >= 0; i -= 1) {
        stack.push({ value: entries[i][1] });
        stack.push({ text: `${i > 0 ? ',' : ''}${JSON.stringify(entries[i][0])}:` });
      }
      out.push('{');
    }
  }
  return out.join('');
}

/**
 * `Idempotency-Key` support for POST routes (draft-ietf-httpapi-idempotency-key-header; issue 3 §2),
 * opted into with {@link Idempotent}. It runs inside the audit interceptor's transaction:
 * - the first request with a key claims `(scope = principal, key)` with
 *   `INSERT ... ON CONFLICT DO NOTHING`, runs the handler and stores status + body in the same
 *   transaction, so the key commits with the change or not at all (a failed request can be retried);
 * - a concurrent request with the same key blocks on that insert until the first commits, then
 *   reads the stored row; the same method, path and canonical body replays the first response
 *   (same status, same body, header `Idempotent-Replayed: true`) without running the handler;
 *   anything else → 422 `idempotency_key_reused`;
 * - keys expire after 24 hours (an expired row of the same key is replaced; a Bull job sweeps the rest).
 * At rest, the key is stored as its SHA-256, the request fingerprint as an HMAC-SHA256, and the
 * response body encrypted with AES-256-GCM under a key derived (HKDF) from the store's own secret
 * ({@link IdempotencyKeys}: IDEMPOTENCY_SECRET, or a labelled derivation of JWT_SECRET) and the
 * client's key: responses may carry a secret shown once (a temporary
 * password), which a database reader must not recover.
 * @throws ValidationError naming `Idempotency-Key` when malformed | UnprocessableError | ConflictError
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly keys: IdempotencyKeys;

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly context: RequestContext,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly reflector: Reflector,
  ) {
    this.keys = new IdempotencyKeys(config);
  }

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = ctx.switchToHttp().getRequest<Request>();
    const raw = req.headers[IDEMPOTENCY_HEADER.toLowerCase()];
    if (raw === undefined) {
      if (this.reflector.get<boolean>(IDEMPOTENCY_REQUIRED, ctx.getHandler())) {
        throw new ValidationError(
          [{ field: IDEMPOTENCY_HEADER, message: `${IDEMPOTENCY_HEADER} is required on this route (it moves money): send a unique key, and the same key when you retry` }],
          `Invalid request: the ${IDEMPOTENCY_HEADER} header is required`,
        );
      }
      return next.handle();
    }
    const key = parseKey(raw);
    if (!this.txHost.isTransactionActive()) {
      // Only mutating routes run in the audit interceptor's unit of work; a GET needs no key.
      throw new Error('@Idempotent() must be used on a POST/PUT/PATCH/DELETE route (it needs the request transaction)');
    }
    return from(this.run(key, req, ctx.switchToHttp().getResponse<Response>(), next, successStatusOf(ctx.getHandler(), req.method)));
  }

  private async run(key: string, req: Request, res: Response, next: CallHandler, successStatus: number): Promise<unknown> {
    const actor = this.context.actor;
    const scope = `${actor.type}:${actor.id ?? 'anonymous'}`;
    const keyId = createHash('sha256').update(key).digest('hex');
    const path = (req.originalUrl ?? req.url).split('?')[0];
    const canonical = canonicalJson({ method: req.method, path, body: req.body ?? null });
    const fingerprint = this.keys.fingerprint(canonical);
    const tx = this.txHost.tx;

    await tx.query(`DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND expires_at <= now()`, [scope, keyId]);
    // Serialises requests with the same key: a second insert waits for the first transaction.
    const claimed: unknown[] = await tx.query(
      `INSERT INTO idempotency_keys (scope, key, method, path, request_hash, status_code, response_body, expires_at)
       VALUES ($1, $2, $3, $4, $5, 0, NULL, now() + make_interval(hours => $6))
       ON CONFLICT (scope, key) DO NOTHING
       RETURNING key`,
      [scope, keyId, req.method, path, fingerprint, IDEMPOTENCY_TTL_HOURS],
    );

    if (claimed.length) {
      const result = await lastValueFrom(next.handle(), { defaultValue: undefined });
      const body = result === undefined ? null : (JSON.parse(JSON.stringify(result)) as unknown);
      await tx.query(`UPDATE idempotency_keys SET status_code = $3, response_body = $4, updated_at = now() WHERE scope = $1 AND key = $2`, [
        scope,
        keyId,
        successStatus,
        body === null ? null : JSON.stringify(this.seal(key, scope, body)),
      ]);
      return result;
    }

    const [row]: { request_hash: string; status_code: number; response_body: SealedBody | null }[] = await tx.query(
      `SELECT request_hash, status_code, response_body FROM idempotency_keys WHERE scope = $1 AND key = $2`,
      [scope, keyId],
    );
    if (!row || row.status_code === 0) {
      throw new ConflictError('idempotency_key_in_use', 'A request with this Idempotency-Key is still being processed; retry shortly.');
    }
    if (row.request_hash !== this.keys.fingerprint(canonical, IdempotencyKeys.versionOf(row.request_hash))) {
      throw new UnprocessableError(
        'idempotency_key_reused',
        'This Idempotency-Key was already used with a different request; use a new key for a new request.',
      );
    }
    this.context.noteAudit({ metadata: { idempotentReplay: true } });
    res.status(row.status_code);
    res.setHeader(IDEMPOTENT_REPLAY_HEADER, 'true');
    return row.response_body === null ? undefined : this.open(key, scope, row.response_body);
  }

  private seal(key: string, scope: string, body: unknown): SealedBody {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.responseKey(key, scope), iv);
    const data = Buffer.concat([cipher.update(JSON.stringify(body), 'utf8'), cipher.final()]);
    return { v: 2, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
  }

  private open(key: string, scope: string, sealed: SealedBody): unknown {
    const decipher = createDecipheriv('aes-256-gcm', this.keys.responseKey(key, scope, sealed.v), Buffer.from(sealed.iv, 'base64'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    const json = Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
    return JSON.parse(json) as unknown;
  }
}

/** Accepts a bare token or an RFC 8941 sf-string (`"..."`) of 1–255 visible ASCII characters. */
function parseKey(raw: string | string[]): string {
  const value = Array.isArray(raw) ? (raw.length === 1 ? raw[0] : '') : raw;
  const key = /^".*"$/.test(value) ? value.slice(1, -1) : value;
  if (!KEY_PATTERN.test(key)) {
    throw new ValidationError([{ field: IDEMPOTENCY_HEADER, message: `${IDEMPOTENCY_HEADER} must be 1–255 visible ASCII characters (one header)` }]);
  }
  return key;
}

/** Metadata key: the route refuses a request without `Idempotency-Key` (400 naming the header). */
export const IDEMPOTENCY_REQUIRED = 'idempotency:required';

/**
 * Opts a mutating route into {@link IdempotencyInterceptor} and documents the `Idempotency-Key`
 * header and its 422 in Swagger. Only opted-in routes pay for it. With `required` (every route
 * that moves money: a double click must never pay twice) a request without the header is a 400
 * naming it.
 */
export const Idempotent = (options: { required?: boolean } = {}) =>
  applyDecorators(
    UseInterceptors(IdempotencyInterceptor),
    SetMetadata(IDEMPOTENCY_REQUIRED, options.required ?? false),
    ApiHeader({
      name: IDEMPOTENCY_HEADER,
      required: options.required ?? false,
      description:
        `${options.required ? 'Required' : 'Optional'} unique key (1–255 visible ASCII characters, e.g. a UUID). Retrying with the same key and body within ${IDEMPOTENCY_TTL_HOURS} hours ` +
        `replays the first response (same status and body, header ${IDEMPOTENT_REPLAY_HEADER}: true) without repeating the change; ` +
        'the same key with a different body → 422 idempotency_key_reused.',
      schema: { type: 'string', minLength: 1, maxLength: 255 },
    }),
    ApiProblems('validation_failed', 'idempotency_key_in_use', 'idempotency_key_reused'),
  );
