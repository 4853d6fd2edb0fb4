import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ProblemFamily } from './error-catalog';

/** Media type of RFC 9457 problem details. */
export const PROBLEM_JSON = 'application/problem+json';

/** Swagger schema of one invalid field. */
export class FieldErrorDto {
  @ApiProperty({ example: 'email', description: 'Dotted path of the invalid value (`admin.email`, `tags.3`)' }) field: string;
  @ApiProperty({ example: 'email must be an email' }) message: string;
}

/**
 * Swagger schema of an RFC 9457 problem body as this API sends it: the members every problem
 * has. Each code family (docs/adr/0014-error-code-catalog.md) extends it with its own members.
 */
export class ProblemDto {
  @ApiProperty({
    example: '/api/v1/problems/validation_failed',
    description: 'URI reference of the problem type (RFC 9457 §3.1.1), relative to this server: GET it for the description of `code`',
  })
  type: string;
  @ApiProperty({ example: 'Invalid request', description: 'Short summary of the problem type; the same for every occurrence of a code' }) title: string;
  @ApiProperty({ example: 400, description: 'HTTP status, the catalog’s status of `code`' }) status: number;
  @ApiProperty({ example: 'Invalid request: email', description: 'What went wrong in this occurrence' }) detail: string;
  @ApiProperty({ example: 'validation_failed', description: 'Stable machine-readable error code (GET /api/v1/problems lists them all)' }) code: string;
  @ApiProperty({ example: '6f1c2b8e-1d1e-4f0a-9a55-2f0a8a1c3b7d', description: 'Echo of X-Request-Id' }) requestId: string;
}

/** 400 problems naming each invalid value: `validation_failed`, `request_too_deep`, `array_too_long`, `invalid_reset_token`. */
export class ValidationProblemDto extends ProblemDto {
  @ApiProperty({ type: [FieldErrorDto], description: 'Each invalid field with a message' }) errors: FieldErrorDto[];
}

/** 402 `quota_exceeded`: one more metered resource would pass the tenant's effective limit. */
export class QuotaProblemDto extends ProblemDto {
  @ApiProperty({ example: 'members', description: 'The metered quota that is used up' }) metric: string;
  @ApiProperty({ example: 5, type: 'integer', description: 'The tenant’s effective limit of `metric`' }) limit: number;
  @ApiProperty({ example: 5, type: 'integer', description: 'How much of `metric` is in use' }) used: number;
}

/** 409 problems: a taken value (`field`, e.g. `tenant_slug_taken`) or a state that blocks the change (`state`). */
export class ConflictProblemDto extends ProblemDto {
  @ApiPropertyOptional({ example: 'email', description: 'The request field whose value is already taken (`*_taken` codes)' }) field?: string;
  @ApiPropertyOptional({ example: 'suspended', description: 'The current state of the resource that blocks the change' }) state?: string;
}

/** 422 problems: the request is well-formed but a value cannot be used (`field` names it). */
export class UnprocessableProblemDto extends ProblemDto {
  @ApiPropertyOptional({ example: 'planCode', description: 'The request field whose value cannot be used' }) field?: string;
  @ApiPropertyOptional({ type: 'integer', example: 5000, description: 'The most the amount may be (minor units), when an amount exceeds what is left (e.g. left to refund)' }) remainingCents?: number;
}

/** 429 `rate_limited`, `tenant_rate_limited`. */
export class RateLimitedProblemDto extends ProblemDto {
  @ApiProperty({ example: 900, type: 'integer', description: 'Seconds to wait before retrying; the same as the Retry-After header' }) retryAfterSeconds: number;
  @ApiPropertyOptional({ example: 600, type: 'integer', description: 'The requests per minute of the limit that was reached (`tenant_rate_limited`); the same as the RateLimit-Limit header' }) limit?: number;
}

/** 412 `precondition_failed`. */
export class PreconditionProblemDto extends ProblemDto {
  @ApiProperty({ example: '"4"', description: 'The resource’s current ETag, for the next If-Match' }) etag: string;
}

/** 503 `not_ready` of the readiness probe. */
export class NotReadyProblemDto extends ProblemDto {
  @ApiPropertyOptional({ type: [String], example: ['redis'], description: 'Components that failed their check' }) failing?: string[];
  @ApiPropertyOptional({ example: true, description: 'True from the shutdown signal on' }) draining?: boolean;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { postgres: { status: 'up' }, redis: { status: 'down', message: 'Connection is closed.' } },
    description: 'Result of each component check',
  })
  components?: Record<string, unknown>;
}

/** 409 problems over a seat count: the licenses requested and the fewest allowed now. */
export class SeatsProblemDto extends ConflictProblemDto {
  @ApiProperty({ example: 3, type: 'integer', description: 'The licence count the request would leave' }) requestedLicenses: number;
  @ApiProperty({ example: 6, type: 'integer', description: 'The fewest licenses allowed now' }) minimumRequired: number;
  @ApiPropertyOptional({ example: 6, type: 'integer', description: 'Active users (each takes a license)' }) currentActiveUsers?: number;
}

/** 409 problems with the resource's status (e.g. converting a subscription that is not in trial). */
export class StatusProblemDto extends ConflictProblemDto {
  @ApiProperty({ example: 'active', description: 'The resource’s current status' }) currentStatus: string;
}

/** 403 `module_not_enabled`: the route belongs to a product module the tenant is not entitled to. */
export class ModuleProblemDto extends ProblemDto {
  @ApiProperty({ example: 'integrations', description: 'The module the route belongs to' }) module: string;
  @ApiProperty({ example: 'not_subscribed', description: 'Why it is not enabled (GET /api/v1/tenant/entitlements lists every module with its reason)' }) reason: string;
  @ApiProperty({ example: '/api/v1/tenant/modules/integrations/subscribe', description: 'Where a tenant admin starts a trial or subscribes' }) subscribeUrl: string;
}

/** 503 `maintenance`: tenant routes are paused while the platform is in maintenance; `detail` is the operators' message. */
export class MaintenanceProblemDto extends ProblemDto {
  @ApiProperty({ example: 1800, type: 'integer', description: 'Seconds to wait before retrying (to `until`, or a default when no end is announced); the same as the Retry-After header' }) retryAfterSeconds: number;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', example: '2026-01-31T02:00:00.000Z', description: 'When the maintenance is planned to end; null when not announced' }) until: string | null;
}

/** The problem schema of each family (openapi.json `components.schemas`). */
export const PROBLEM_SCHEMAS: Record<ProblemFamily, new () => ProblemDto> = {
  problem: ProblemDto,
  validation: ValidationProblemDto,
  quota: QuotaProblemDto,
  conflict: ConflictProblemDto,
  unprocessable: UnprocessableProblemDto,
  rateLimited: RateLimitedProblemDto,
  precondition: PreconditionProblemDto,
  notReady: NotReadyProblemDto,
  seats: SeatsProblemDto,
  status: StatusProblemDto,
  module: ModuleProblemDto,
  maintenance: MaintenanceProblemDto,
};
