import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { IsBooleanMap, IsCurrencyCode, PageQueryDto } from '../../../common/http';
import { MetricLimitFields } from '../metric-fields';
import { MAX_RATE_LIMIT, RATE_LIMIT_SOURCES } from '../rate-limit';

/** Largest price in minor units: exact as a JS number (2^53 − 1) and within PostgreSQL bigint. */
export const MAX_PRICE_CENTS = Number.MAX_SAFE_INTEGER;

/**
 * Per-metric limits, one optional property per registry metric (src/modules/plans/metrics.ts):
 * integers 0…2³¹−1; null or absent = unlimited; a key outside the registry is a 400 naming it.
 */
export class PlanLimitsDto extends MetricLimitFields() {}

/**
 * A request rate to set (plans, tenant overrides): `requestsPerMinute` sustained over a 60-second
 * window, plus `burst` extra requests drawn from an allowance that refills every 10 minutes.
 */
export class RateLimitInputDto {
  @ApiProperty({ type: 'integer', example: 600, minimum: 1, maximum: MAX_RATE_LIMIT, description: 'Sustained requests per minute' })
  @IsInt() @Min(1) @Max(MAX_RATE_LIMIT)
  requestsPerMinute: number;
  @ApiProperty({ type: 'integer', example: 100, minimum: 0, maximum: MAX_RATE_LIMIT, description: 'Extra requests allowed above the sustained rate, refilled every 10 minutes' })
  @IsInt() @Min(0) @Max(MAX_RATE_LIMIT)
  burst: number;
}

/** A plan's request rate as it applies to its tenants: the plan's own (`source: plan`) or the platform default. */
export class PlanRateLimitDto {
  @ApiProperty({ type: 'integer', example: 600, description: 'Sustained requests per minute' }) requestsPerMinute: number;
  @ApiProperty({ type: 'integer', example: 100, description: 'Extra requests allowed above the sustained rate, refilled every 10 minutes' }) burst: number;
  @ApiProperty({ enum: RATE_LIMIT_SOURCES.filter((s) => s !== 'override'), example: 'plan', description: '`plan`: set on the plan; `default`: the plan sets none, the platform default applies' })
  source: 'plan' | 'default';
}

/** A plan of the catalog. Prices in minor units of `currency`. */
export class PlanDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'growth' }) code: string;
  @ApiProperty({ example: 'Growth' }) name: string;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ type: 'integer', example: 4900, description: 'Monthly price in minor units (cents)' }) monthlyPriceCents: number;
  @ApiProperty({ type: 'integer', example: 49000, description: 'Annual price in minor units (cents)' }) annualPriceCents: number;
  @ApiProperty({ type: 'integer', example: 1500, description: 'Price of one license (user seat) per month, in minor units (cents); 0 = seats included' }) seatMonthlyPriceCents: number;
  @ApiProperty({ type: 'integer', example: 15000, description: 'Price of one license (user seat) per year, in minor units (cents); 0 = seats included' }) seatAnnualPriceCents: number;
  @ApiProperty({ example: 'USD', description: 'ISO 4217' }) currency: string;
  @ApiProperty() isActive: boolean;
  @ApiProperty({ type: PlanLimitsDto }) limits: PlanLimitsDto;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'boolean' }, example: { crm: true, seo: false }, description: 'Module code → included in the plan at no charge (true)' })
  features: Record<string, boolean>;
  @ApiProperty({ type: PlanRateLimitDto, description: 'Request rate of the plan’s tenants (a tenant override takes precedence: GET /api/v1/admin/rate-limits)' }) rateLimit: PlanRateLimitDto;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

/** Body of POST /admin/plans; prices in minor units of `currency` (ISO 4217); `code` is unique (409) and immutable. */
export class CreatePlanDto {
  @ApiProperty({ example: 'small', description: 'Unique lowercase slug; immutable' })
  @IsString() @Matches(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, { message: 'code must be a lowercase slug (letters, digits, hyphens; 1–63 chars)' })
  code: string;
  @ApiProperty({ example: 'Small' }) @IsString() @MinLength(1) @MaxLength(100) name: string;
  @ApiPropertyOptional({ type: String, nullable: true }) @IsOptional() @IsString() @MaxLength(2000) description?: string | null;
  @ApiProperty({ type: 'integer', example: 900, minimum: 0, maximum: MAX_PRICE_CENTS }) @IsInt() @Min(0) @Max(MAX_PRICE_CENTS) monthlyPriceCents: number;
  @ApiProperty({ type: 'integer', example: 9000, minimum: 0, maximum: MAX_PRICE_CENTS }) @IsInt() @Min(0) @Max(MAX_PRICE_CENTS) annualPriceCents: number;
  @ApiPropertyOptional({ type: 'integer', example: 1500, minimum: 0, maximum: MAX_PRICE_CENTS, default: 0, description: 'Price of one license per month (cents)' })
  @IsOptional() @IsInt() @Min(0) @Max(MAX_PRICE_CENTS)
  seatMonthlyPriceCents?: number;
  @ApiPropertyOptional({ type: 'integer', example: 15000, minimum: 0, maximum: MAX_PRICE_CENTS, default: 0, description: 'Price of one license per year (cents)' })
  @IsOptional() @IsInt() @Min(0) @Max(MAX_PRICE_CENTS)
  seatAnnualPriceCents?: number;
  @ApiProperty({ example: 'USD' })
  @Transform(({ value }) => (typeof value === 'string' ? value.toUpperCase() : value))
  @IsCurrencyCode()
  currency: string;
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() isActive?: boolean;
  @ApiPropertyOptional({ type: PlanLimitsDto }) @IsOptional() @ValidateNested() @Type(() => PlanLimitsDto) limits?: PlanLimitsDto;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'boolean' },
    example: { crm: true },
    description: 'Module code → included at no charge (true); every code must be in the module catalog (422 unknown_module)',
  })
  @IsOptional() @IsBooleanMap() features?: Record<string, boolean>;
  @ApiPropertyOptional({ type: RateLimitInputDto, nullable: true, description: 'Request rate of the plan’s tenants; absent or null: the platform default' })
  @IsOptional() @ValidateNested() @Type(() => RateLimitInputDto)
  rateLimit?: RateLimitInputDto | null;
}

/** Everything but `code` (immutable; sending it is a 400). Limits and features replace the stored ones. */
export class UpdatePlanDto extends PartialType(OmitType(CreatePlanDto, ['code'] as const)) {}

/** Filter and paging of GET /admin/plans. */
export class PlanListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only active (true) or inactive (false) plans' })
  @IsOptional() @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value)) @IsBoolean()
  isActive?: boolean;
}
