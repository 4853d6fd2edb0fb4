import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { IsIsoDateTimeInRange, PageQueryDto } from '../../../../common/http';
import { RATE_LIMIT_SOURCES, RateLimitInputDto, RateLimitSource } from '../../../plans';

/** A tenant's plan rate: the plan's own, or the platform default when the plan sets none. */
export class TenantPlanRateDto {
  @ApiProperty({ example: 'growth' }) code: string;
  @ApiProperty({ type: 'integer', example: 600, description: 'Sustained requests per minute' }) requestsPerMinute: number;
  @ApiProperty({ type: 'integer', example: 100, description: 'Extra requests above the sustained rate, refilled every 10 minutes' }) burst: number;
  @ApiProperty({ enum: ['plan', 'default'], example: 'plan', description: '`plan`: set on the plan; `default`: the platform default' }) source: 'plan' | 'default';
}

/** A staff override of a tenant's rate. */
export class RateLimitOverrideDto {
  @ApiProperty({ type: 'integer', example: 60 }) requestsPerMinute: number;
  @ApiProperty({ type: 'integer', example: 0 }) burst: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2026-01-31T12:00:00.000Z', description: 'When it stops applying (exclusive); null: until cleared' }) until: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Runaway sync job; throttled until the customer fixes it' }) reason: string | null;
  @ApiProperty({ example: false, description: 'True once `until` has passed: the override is kept for the record but no longer applies' }) isExpired: boolean;
}

/** A tenant's request rate: the one that applies now (`requestsPerMinute`, `burst`, `source`), its plan's, and the override if any. */
export class TenantRateLimitDto {
  @ApiProperty({ format: 'uuid' }) tenantId: string;
  @ApiProperty({ type: 'integer', example: 600, description: 'Effective sustained requests per minute (RateLimit-Limit)' }) requestsPerMinute: number;
  @ApiProperty({ type: 'integer', example: 100, description: 'Effective burst allowance (refilled every 10 minutes)' }) burst: number;
  @ApiProperty({ enum: RATE_LIMIT_SOURCES, example: 'plan', description: 'Where the effective rate comes from: a staff override in force, the plan, or the platform default' }) source: RateLimitSource;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'End of the override in force; null otherwise or when it has no end' }) until: string | null;
  @ApiProperty({ type: TenantPlanRateDto }) plan: TenantPlanRateDto;
  @ApiProperty({ type: RateLimitOverrideDto, nullable: true, description: 'The stored override (also once expired); null when none' }) override: RateLimitOverrideDto | null;
}

/** Filter and paging of GET /admin/rate-limits. */
export class RateLimitListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: RATE_LIMIT_SOURCES, description: 'Only tenants whose effective rate has this source (`override`: throttled or raised by staff now)' })
  @IsOptional() @IsIn(RATE_LIMIT_SOURCES)
  source?: RateLimitSource;
}

/** Body of PUT /admin/rate-limits/{tenantId}: the tenant's rate from now on, optionally until an instant (temporary throttling). */
export class SetTenantRateLimitDto extends RateLimitInputDto {
  @IsIsoDateTimeInRange({ optional: true, nullable: true, description: 'When the override stops applying (must be in the future); absent or null: until cleared' })
  until?: Date | null;
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 500, example: 'Runaway sync job' })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(500)
  reason?: string | null;
}
