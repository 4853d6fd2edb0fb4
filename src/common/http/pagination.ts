import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, isUUID, Max, MaxLength, Min } from 'class-validator';
import { ValidationError } from '../errors/app-error';

const ISO_UTC_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Largest `offset` accepted (PostgreSQL int range; deeper pages belong to cursors). */
export const MAX_OFFSET = 2_147_483_647;

/** `?limit&offset` of offset-paginated lists: limit 1–100 (default 20), offset 0…2³¹−1. */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100)
  limit: number = 20;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_OFFSET, default: 0 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(MAX_OFFSET)
  offset: number = 0;
}

/** `?limit&cursor` of keyset-paginated lists: limit 1–100 (default 50). */
export class CursorQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100)
  limit: number = 50;

  @ApiPropertyOptional({ description: 'meta.nextCursor of the previous page' })
  @IsOptional() @IsString() @MaxLength(200)
  cursor?: string;
}

/** Position in a list ordered by (occurredAt DESC, id DESC). */
export interface KeysetPosition {
  at: string;
  id: string;
}

/** Encodes a keyset position as an opaque base64url cursor. */
export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(JSON.stringify([position.at, position.id])).toString('base64url');
}

/** Decodes a cursor from {@link encodeCursor}. @throws ValidationError naming `cursor` when malformed. */
export function decodeCursor(cursor: string): KeysetPosition {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    // Strict: only what encodeCursor writes (ISO 8601 UTC with ms, a UUID), so a forged cursor
    // is a 400, never a database cast error.
    if (typeof at !== 'string' || !ISO_UTC_MS.test(at) || Number.isNaN(Date.parse(at)) || new Date(at).toISOString() !== at || typeof id !== 'string' || !isUUID(id)) throw new Error('shape');
    return { at, id };
  } catch {
    throw new ValidationError([{ field: 'cursor', message: 'cursor is malformed; pass meta.nextCursor unchanged' }]);
  }
}

/** `meta` of an offset page: `total` rows matching the filters, and the page's bounds. */
export interface PageMeta {
  total: number;
  limit: number;
  offset: number;
}

/**
 * The one envelope of offset-paginated lists (CONVENTIONS §5): `{ data, meta: { total, limit, offset } }`;
 * `Extra` adds list-specific members to `meta` (the users list's `quota`). Its OpenAPI twin is
 * `PageOf(Item)`; the Spectral rule `list-envelope` holds every list operation to it.
 */
export interface Page<T, Extra extends object = object> {
  data: T[];
  meta: PageMeta & Extra;
}

/** The envelope of keyset-paginated lists: `{ data, meta: { nextCursor, limit } }` (`CursorPageOf(Item)`). */
export interface CursorPage<T> {
  data: T[];
  meta: { nextCursor: string | null; limit: number };
}

/** An offset page of `data` out of `total` rows for the bounds of `query`. */
export function toPage<T>(data: T[], total: number, query: Pick<PageQueryDto, 'limit' | 'offset'>): Page<T> {
  return { data, meta: { total, limit: query.limit, offset: query.offset } };
}
