import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Media type of RFC 9457 problem details. */
export const PROBLEM_JSON = 'application/problem+json';

/** Swagger schema of one invalid field. */
export class FieldErrorDto {
  @ApiProperty({ example: 'email' }) field: string;
  @ApiProperty({ example: 'email must be an email' }) message: string;
}

/** Swagger schema of an RFC 9457 problem body as this API sends it. */
export class ProblemDto {
  @ApiProperty({ example: 'https://docs.control-plane.dev/problems/validation_failed', description: 'URI identifying the problem type' })
  type: string;
  @ApiProperty({ example: 'Bad Request' }) title: string;
  @ApiProperty({ example: 400 }) status: number;
  @ApiProperty({ example: 'Invalid request: email' }) detail: string;
  @ApiProperty({ example: 'validation_failed', description: 'Stable machine-readable error code' }) code: string;
  @ApiProperty({ example: '6f1c2b8e-1d1e-4f0a-9a55-2f0a8a1c3b7d', description: 'Echo of X-Request-Id' }) requestId: string;
  @ApiPropertyOptional({ type: [FieldErrorDto] }) errors?: FieldErrorDto[];
}
