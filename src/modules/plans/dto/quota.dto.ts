import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { IsBooleanMap } from '../../../common/http';
import { BILLING_STATUSES } from '../entities/tenant-quota.entity';
import { METRIC_CODES } from '../metrics';
import { PlanLimitsDto } from './plan.dto';

/**
 * One metric's allowance. `limit` and `remaining` are null when unlimited. A metric that resets
 * (monthly, in UTC) also shows the period `used` counts: `periodStart` inclusive, `periodEnd`
 * exclusive; a level (seats, projects) has neither.
 */
export class AllowanceDto {
  @ApiProperty({ enum: METRIC_CODES, description: 'A metric of the registry' }) metric: string;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Effective limit (override ?? plan); null = unlimited' }) limit: number | null;
  @ApiProperty({ type: 'integer', description: 'Used in the current period (for a level: in use now)' }) used: number;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Never negative; null = unlimited' }) remaining: number | null;
  @ApiPropertyOptional({ format: 'date-time', example: '2026-12-01T00:00:00.000Z', description: 'Start of the current period (inclusive); only on metrics that reset' })
  periodStart?: string;
  @ApiPropertyOptional({ format: 'date-time', example: '2027-01-01T00:00:00.000Z', description: 'End of the current period (exclusive: the next one starts then); only on metrics that reset' })
  periodEnd?: string;
}

/** The plan a quota points at. */
export class PlanRefDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'growth' }) code: string;
  @ApiProperty({ example: 'Growth' }) name: string;
}

/** A tenant's quota: plan, overrides, effective limits and features, billing state, allowances. */
export class TenantQuotaDto {
  @ApiProperty({ format: 'uuid' }) tenantId: string;
  @ApiProperty({ type: PlanRefDto }) plan: PlanRefDto;
  @ApiProperty({ type: PlanLimitsDto, description: 'Per-metric overrides; a metric set to null is unlimited, an absent one uses the plan' })
  limitOverrides: PlanLimitsDto;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'boolean' } }) featureOverrides: Record<string, boolean>;
  @ApiProperty({ type: PlanLimitsDto, description: 'override ?? plan limit' }) effectiveLimits: PlanLimitsDto;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'boolean' }, description: 'Plan features with overrides applied' })
  features: Record<string, boolean>;
  @ApiProperty({ enum: BILLING_STATUSES }) billingStatus: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) trialEndsAt: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) currentPeriodEndsAt: string | null;
  @ApiProperty({ type: String, nullable: true }) externalCustomerId: string | null;
  @ApiProperty({ type: String, nullable: true }) notes: string | null;
  @ApiProperty({ type: [AllowanceDto] }) allowances: AllowanceDto[];
  @ApiProperty({ type: [AllowanceDto], description: 'Metrics whose usage is above the effective limit (existing resources stay; new ones are refused)' })
  overLimit: AllowanceDto[];
}

/**
 * Changes to a tenant's quota: plan, limit and feature overrides, external customer id, notes.
 * `limitOverrides` and `featureOverrides` replace the stored maps. The billing state (status, trial
 * and period ends, licenses) is the plan subscription's: change it with
 * PUT /api/v1/admin/tenants/{tenantId}/subscription (sending it here is a 400 naming the field).
 */
export class UpdateTenantQuotaDto {
  @ApiPropertyOptional({ example: 'enterprise', description: 'Move the tenant to this (active) plan' })
  @IsOptional() @IsString() @Matches(/^[a-z0-9-]{1,63}$/, { message: 'planCode must be a plan code' })
  planCode?: string;
  @ApiPropertyOptional({ type: PlanLimitsDto }) @IsOptional() @ValidateNested() @Type(() => PlanLimitsDto) limitOverrides?: PlanLimitsDto;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'boolean' } }) @IsOptional() @IsBooleanMap() featureOverrides?: Record<string, boolean>;
  @ApiPropertyOptional({ type: String, nullable: true }) @IsOptional() @IsString() @MaxLength(200) externalCustomerId?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) @IsOptional() @IsString() @MaxLength(5000) notes?: string | null;
}

/** What a tenant sees of its allowances. */
export class TenantAllowancesDto {
  @ApiProperty({ type: [AllowanceDto] }) data: AllowanceDto[];
  @ApiProperty({ enum: BILLING_STATUSES }) billingStatus: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) trialEndsAt: string | null;
}
