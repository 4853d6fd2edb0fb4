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

/** Longest cursor a keyset list accepts (and {@link encodeKeysetCursor} writes). */
export const MAX_CURSOR_LENGTH = 200;

/**
 * Kind of one sort key of a multi-key cursor: `text` (a string without NUL), `timestamp` (ISO 8601
 * UTC with 3 or 6 fractional digits, as PostgreSQL `timestamptz` keeps microseconds), or either
 * of them `…?` when the column is nullable.
 */
export type KeysetKeyKind = 'text' | 'text?' | 'timestamp' | 'timestamp?';

/**
 * Position in a list ordered by one or more sort keys and the tie-breaker `id`, for the `sort` and
 * `order` it was made for. `values` is null when the cursor names the row by `id` only (a key too
 * long to fit in {@link MAX_CURSOR_LENGTH}): the query then reads the key values from that row.
 */
export interface KeysetCursor {
  sort: string;
  order: 'asc' | 'desc';
  values: (string | null)[] | null;
  id: string;
}

const ISO_UTC_US = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.(\d{3})(\d{3})?Z$/;
const TOKEN = /^[A-Za-z0-9_-]{1,40}$/;

function isTimestamp(value: string): boolean {
  const m = ISO_UTC_US.exec(value);
  if (!m || Number(m[1]) < 1) return false;
  const ms = value.slice(0, 23) + 'Z';
  return !Number.isNaN(Date.parse(ms)) && new Date(ms).toISOString() === ms;
}

function keyValid(kind: KeysetKeyKind, value: unknown): boolean {
  if (value === null) return kind.endsWith('?');
  if (typeof value !== 'string') return false;
  // NUL is the one character PostgreSQL text rejects (a cast error, not a 400).
  return kind.startsWith('text') ? value.length <= 1000 && !value.includes('\u0000') : isTimestamp(value);
}

/**
 * Encodes a multi-key keyset position as an opaque base64url cursor. When the key values do not
 * fit in {@link MAX_CURSOR_LENGTH} characters the cursor names the row by `id` only (`values` null).
 */
export function encodeKeysetCursor(cursor: KeysetCursor): string {
  const full = Buffer.from(JSON.stringify({ s: cursor.sort, o: cursor.order, v: cursor.values, i: cursor.id })).toString('base64url');
  if (full.length <= MAX_CURSOR_LENGTH || cursor.values === null) return full;
  return Buffer.from(JSON.stringify({ s: cursor.sort, o: cursor.order, v: null, i: cursor.id })).toString('base64url');
}

function malformed(): ValidationError {
  return new ValidationError([{ field: 'cursor', message: 'cursor is malformed; pass meta.nextCursor unchanged' }]);
}

/**
 * Decodes a cursor from {@link encodeKeysetCursor} for a list sorted by `expected.sort`/`order`
 * with sort keys of `expected.keys`. Strict: only what the encoder writes, so a forged cursor is
 * a 400, never a database cast error.
 * @throws ValidationError naming `cursor` when malformed, or made for another sort or order.
 */
export function decodeKeysetCursor(cursor: string, expected: { sort: string; order: 'asc' | 'desc'; keys: readonly KeysetKeyKind[] }): KeysetCursor {
  let parsed: { s?: unknown; o?: unknown; v?: unknown; i?: unknown };
  try {
    if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('alphabet');
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as typeof parsed;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('shape');
    const { s, o, i } = parsed;
    if (typeof s !== 'string' || !TOKEN.test(s) || (o !== 'asc' && o !== 'desc') || typeof i !== 'string' || !isUUID(i)) throw new Error('shape');
  } catch {
    throw malformed();
  }
  // Checked before the keys, whose kinds depend on the sort.
  if (parsed.s !== expected.sort || parsed.o !== expected.order) {
    throw new ValidationError([
      { field: 'cursor', message: `cursor was made for sort=${String(parsed.s)}&order=${String(parsed.o)}; pass the same sort and order, or start again without cursor` },
    ]);
  }
  const v = parsed.v;
  if (v !== null && (!Array.isArray(v) || v.length !== expected.keys.length || !v.every((value, n) => keyValid(expected.keys[n], value)))) throw malformed();
  return { sort: parsed.s, order: parsed.o as 'asc' | 'desc', values: parsed.v as (string | null)[] | null, id: (parsed.i as string).toLowerCase() };
}
