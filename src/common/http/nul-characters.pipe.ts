import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { RequestShapeError, ValidationError } from '../errors/app-error';
import { findShapeViolation } from './body-shape-limits';

/** Argument kinds that carry client input (custom decorators and headers are not walked). */
const CLIENT_INPUT = new Set<ArgumentMetadata['type']>(['body', 'query', 'param']);

/**
 * The first global pipe (before ValidationPipe): it measures each client-input argument (body,
 * query, path) with one iterative walk before class-transformer or class-validator recurse into it
 * ({@link findShapeViolation}, limits in docs/adr/0011-request-shape-limits.md):
 * - U+0000 anywhere in a string or key → 400 `validation_failed` naming the field (PostgreSQL text
 *   and jsonb cannot hold it);
 * - nested deeper than 32 levels → 400 `request_too_deep`, an array over 1,000 items → 400
 *   `array_too_long`, each with `errors: [{ field, message }]` naming the path.
 * Running as a pipe, after the guards, a rejection is audited like any failure of the route (actor,
 * operation, error code). What reads the body before it — the idempotency fingerprint, the audit
 * redaction of a denied request — walks it iteratively as well.
 * @throws ValidationError | RequestShapeError
 */
@Injectable()
export class RejectNulCharactersPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (!CLIENT_INPUT.has(metadata.type)) return value;
    const violation = findShapeViolation(value, { path: metadata.data ?? '', root: metadata.type });
    if (!violation) return value;
    const error = { field: violation.field, message: violation.message };
    if (violation.code === 'nul_character') throw new ValidationError([error]);
    throw new RequestShapeError(violation.code, error);
  }
}
