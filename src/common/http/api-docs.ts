import { applyDecorators, SetMetadata, Type } from '@nestjs/common';
import { HTTP_CODE_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ApiExtraModels, ApiOperation, ApiProperty, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { CatalogedError, defaultErrorFor, ErrorCode, errorEntry, problemTypeOf } from '../errors/error-catalog';
import { PROBLEM_JSON, PROBLEM_SCHEMAS } from '../errors/problem';

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input; `errors` names each field',
  401: 'Missing, invalid or expired credentials',
  402: 'Quota exceeded or billing block',
  403: 'Not allowed',
  404: 'Not found (or not yours)',
  409: 'Conflict with the current state',
  412: 'If-Match does not match the current ETag',
  422: 'Semantically invalid (e.g. Idempotency-Key reused with another body)',
  429: 'Rate limited; see Retry-After',
  503: 'A dependency is unavailable',
};

/** `requestId` of every documented example. */
const EXAMPLE_REQUEST_ID = '6f1c2b8e-1d1e-4f0a-9a55-2f0a8a1c3b7d';

/**
 * An error a route documents: a catalogued code (its status comes from the catalog), or a bare
 * status, which documents that status's default code (`401` → `unauthorized`).
 */
export type ErrorRef = ErrorCode | number;

/** Codes documented so far on a handler, by status (to merge several decorators' codes). */
const PROBLEM_CODES = 'api:problemCodes';

/** The catalog entry of an error reference. @throws Error when it names nothing catalogued. */
function resolveErrorRef(ref: ErrorRef): CatalogedError {
  const entry = typeof ref === 'number' ? defaultErrorFor(ref) : errorEntry(ref);
  if (!entry) {
    throw new Error(
      typeof ref === 'number'
        ? `no catalogued error code is the default of status ${ref}: document a code instead`
        : `error code '${ref}' is documented on a route but not registered: its context's errors.ts must load first (export it first from the context's index.ts)`,
    );
  }
  return entry;
}

/** The problem body a catalog entry shows in openapi.json (its example detail and members). */
export function problemExample(entry: CatalogedError): Record<string, unknown> {
  const { detail, ...members } = entry.example;
  return { type: problemTypeOf(entry.code), title: entry.title, status: entry.status, detail, code: entry.code, requestId: EXAMPLE_REQUEST_ID, ...members };
}

/** The response object of one status: a schema per code family (anyOf when several: a family may extend another, e.g. seats extends conflict) and one example per code. */
function problemResponse(status: number, entries: CatalogedError[]) {
  const refs = [...new Set(entries.map((e) => e.family))].map((family) => ({ $ref: getSchemaPath(PROBLEM_SCHEMAS[family]) }));
  return {
    status,
    description: ERROR_DESCRIPTIONS[status] ?? 'Error',
    content: {
      [PROBLEM_JSON]: {
        schema: refs.length === 1 ? refs[0] : { anyOf: refs },
        examples: Object.fromEntries(entries.map((e) => [e.code, { summary: `${e.code}: ${e.title}`, value: problemExample(e) }])),
      },
    },
  };
}

/** Adds `entries` to a handler's documented errors, keeping what earlier decorators documented. */
function documentProblems(target: object, key: string | symbol, descriptor: PropertyDescriptor, entries: CatalogedError[]): void {
  const handler = descriptor.value as object;
  const codes = new Map<number, string[]>(Reflect.getMetadata(PROBLEM_CODES, handler) ?? []);
  const touched = new Set<number>();
  const documented = new Set(codes.keys());
  for (const entry of entries) {
    const list = codes.get(entry.status) ?? [];
    if (!list.includes(entry.code)) codes.set(entry.status, [...list, entry.code]);
    touched.add(entry.status);
  }
  Reflect.defineMetadata(PROBLEM_CODES, [...codes], handler);
  ApiExtraModels(...new Set(Object.values(PROBLEM_SCHEMAS)))(target, key, descriptor);
  for (const status of touched) {
    const all = codes.get(status)!.map((code) => errorEntry(code)!).sort((a, b) => a.code.localeCompare(b.code));
    const response = problemResponse(status, all);
    // Swagger appends a second description of a status to the first: say it once.
    ApiResponse(documented.has(status) ? { ...response, description: '' } : response)(target, key, descriptor);
  }
}

/**
 * Documents problem+json error responses: each status of the given codes (or bare statuses, see
 * {@link ErrorRef}) gets the schema of its code family (ValidationProblemDto, QuotaProblemDto,
 * ConflictProblemDto, …; anyOf when a status mixes families) and one example per code, drawn from
 * the error catalog. Decorators add up: a status documented twice lists the codes of both. On a
 * class it documents every route handler of the class.
 * @throws Error at load time when a code is not registered or a status has no default code.
 */
export const ApiProblems = (...refs: ErrorRef[]) => {
  const entries = refs.map(resolveErrorRef);
  return (target: object, key?: string | symbol, descriptor?: PropertyDescriptor): void => {
    if (key !== undefined && descriptor) return documentProblems(target, key, descriptor, entries);
    const prototype = (target as { prototype: object }).prototype;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const method = Object.getOwnPropertyDescriptor(prototype, name);
      if (name !== 'constructor' && typeof method?.value === 'function' && Reflect.getMetadata(PATH_METADATA, method.value) !== undefined) {
        documentProblems(prototype, name, method, entries);
      }
    }
  };
};

/**
 * Documents an operation: stable `operationId` (also the audit action, `staff_create` →
 * `staff.create`), a summary, and its error responses (problem+json, by catalogued code:
 * `['validation_failed', 'tenant_not_found']`). 500-free by design.
 */
export const ApiOp = (operationId: string, summary: string, errors: ErrorRef[] = [], description?: string) =>
  applyDecorators(SetMetadata(OPERATION_ID, operationId), ApiOperation({ operationId, summary, description }), ApiProblems(...errors));

/** Metadata key holding a handler's operationId (read by the audit trail). */
export const OPERATION_ID = 'api:operationId';

/** `meta` of an offset-paginated list (CONVENTIONS §5). */
export class PageMetaDto {
  @ApiProperty({ example: 42 }) total: number;
  @ApiProperty({ example: 20 }) limit: number;
  @ApiProperty({ example: 0 }) offset: number;
}

/** `meta` of a keyset-paginated list; `nextCursor` is null on the last page. */
export class CursorMetaDto {
  @ApiProperty({ type: String, nullable: true, example: null, description: 'Opaque cursor of the next page; null at the end' })
  nextCursor: string | null;
  @ApiProperty({ example: 50 }) limit: number;
}

const pageClasses = new Map<string, Type>();

/** A named `{ data: Item[], meta: PageMetaDto }` class for Swagger and typed clients. */
export function PageOf<T>(item: Type<T>, name = `${item.name.replace(/Dto$/, '')}PageDto`): Type<{ data: T[]; meta: PageMetaDto }> {
  const cached = pageClasses.get(name);
  if (cached) return cached;
  class Page {
    @ApiProperty({ type: [item] }) data: T[];
    @ApiProperty({ type: PageMetaDto }) meta: PageMetaDto;
  }
  Object.defineProperty(Page, 'name', { value: name });
  pageClasses.set(name, Page);
  return Page;
}

/** A named `{ data: Item[], meta: CursorMetaDto }` class for keyset-paginated lists. */
export function CursorPageOf<T>(item: Type<T>, name = `${item.name.replace(/Dto$/, '')}CursorPageDto`): Type<{ data: T[]; meta: CursorMetaDto }> {
  const cached = pageClasses.get(name);
  if (cached) return cached;
  class CursorPage {
    @ApiProperty({ type: [item] }) data: T[];
    @ApiProperty({ type: CursorMetaDto }) meta: CursorMetaDto;
  }
  Object.defineProperty(CursorPage, 'name', { value: name });
  pageClasses.set(name, CursorPage);
  return CursorPage;
}

/** Status a handler answers with on success: its `@HttpCode()`, else Nest's default (201 for POST, 200 otherwise). */
export function successStatusOf(handler: object, method: string): number {
  return (Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined) ?? (method === 'POST' ? 201 : 200);
}
