import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { ValidationError } from '../errors/app-error';

/** Dotted path of the first string containing U+0000 inside `value`, or null. */
function findNul(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (depth > 10 || value === null || typeof value !== 'object') return null;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const found = findNul(child, path ? `${path}.${key}` : key, depth + 1);
    if (found !== null) return found;
  }
  return null;
}

/**
 * Global pipe: PostgreSQL text cannot hold U+0000, so a NUL character anywhere in a body, query or
 * path value is a 400 naming the field instead of a database error (a 5xx).
 */
@Injectable()
export class RejectNulCharactersPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const field = findNul(value, metadata.type === 'body' ? '' : (metadata.data ?? metadata.type));
    if (field !== null) {
      const name = field || 'body';
      throw new ValidationError([{ field: name, message: `${name} must not contain NUL (U+0000) characters` }]);
    }
    return value;
  }
}
