import { applyDecorators, SetMetadata, Type } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { ApiExtraModels, ApiOperation, ApiProperty, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { PROBLEM_JSON, ProblemDto } from '../errors/problem';

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input; `errors` names each field',
  401: 'Missing, invalid or expired token',
  402: 'Quota exceeded or billing block',
  403: 'Not allowed',
  404: 'Not found (or not yours)',
  409: 'Conflict with the current state',
  412: 'If-Match does not match the current ETag',
  422: 'Semantically invalid (e.g. Idempotency-Key reused with another body)',
  429: 'Rate limited; see Retry-After',
  503: 'A dependency is unavailable',
};

/** Documents problem+json error responses for the given statuses. */
export const ApiProblems = (...statuses: number[]) =>
  applyDecorators(
    ApiExtraModels(ProblemDto),
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: ERROR_DESCRIPTIONS[status] ?? 'Error',
        content: { [PROBLEM_JSON]: { schema: { $ref: getSchemaPath(ProblemDto) } } },
      }),
    ),
  );

/**
 * Documents an operation: stable `operationId` (also the audit action, `staff_create` →
 * `staff.create`), a summary, and its error responses (problem+json). 400 and 500-free by design.
 */
export const ApiOp = (operationId: string, summary: string, errors: number[] = [], description?: string) =>
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
