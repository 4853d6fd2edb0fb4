import { ApiProperty } from '@nestjs/swagger';
import { PageMetaDto } from '../../../common/http';

/** One error code of the catalog, as GET /api/v1/problems/{code} describes it. */
export class ProblemTypeDto {
  @ApiProperty({ example: 'quota_exceeded', description: 'The stable error code (`code` of a problem)' }) code: string;
  @ApiProperty({ example: '/api/v1/problems/quota_exceeded', description: 'The `type` URI reference of problems with this code' }) type: string;
  @ApiProperty({ example: 402, type: 'integer', description: 'HTTP status of every problem with this code' }) status: number;
  @ApiProperty({ example: 'Quota exceeded', description: 'The `title` of every problem with this code' }) title: string;
  @ApiProperty({ example: 'Creating one more metered resource would pass the tenant’s effective limit of `metric`.', description: 'When it happens and what the client can do' })
  description: string;
  @ApiProperty({ example: 'QuotaProblemDto', description: 'Name of the openapi.json schema of the problem body (its extension members)' }) schema: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { type: '/api/v1/problems/quota_exceeded', title: 'Quota exceeded', status: 402, detail: 'Your plan allows 5 members; 5 are in use.', code: 'quota_exceeded', requestId: '6f1c2b8e-1d1e-4f0a-9a55-2f0a8a1c3b7d', metric: 'members', limit: 5, used: 5 },
    description: 'An example problem body',
  })
  exampleProblem: Record<string, unknown>;
}

/** GET /api/v1/problems: every catalogued code, ordered by code. */
export class ProblemTypePageDto {
  @ApiProperty({ type: [ProblemTypeDto] }) data: ProblemTypeDto[];
  @ApiProperty({ type: PageMetaDto }) meta: PageMetaDto;
}
