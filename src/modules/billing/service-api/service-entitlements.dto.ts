import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, Min } from 'class-validator';
import { ENTITLEMENT_REASONS } from '../../../common/auth';
import { BILLING_STATUSES, MAX_LIMIT, METRIC_CODES } from '../../plans';

/** Seconds a service may cache an entitlements answer (changes reach it within this time). */
export const ENTITLEMENTS_CACHE_TTL_SECONDS = 30;

/** The answer codes of an entitlement check (the same codes the 402/403 problems carry). */
export const CHECK_CODES = ['quota_exceeded', 'tenant_suspended', 'module_not_enabled', 'tenant_not_found'] as const;

/** Path of GET /service/tenants/:tenantId/entitlements. */
export class ServiceTenantParams {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') tenantId: string;
}

/** One module as a service sees it for a tenant. */
export class ServiceModuleEntitlementDto {
  @ApiProperty({ example: 'crm' }) code: string;
  @ApiProperty({ description: 'Whether the tenant may use the module now (the same rule and name as GET /api/v1/tenant/entitlements)' }) isEntitled: boolean;
  @ApiProperty({ enum: ENTITLEMENT_REASONS, example: 'subscribed' }) reason: string;
}

/** One metric's allowance. */
export class ServiceMetricAllowanceDto {
  @ApiProperty({ enum: METRIC_CODES }) metric: string;
  @ApiProperty({ type: 'integer', nullable: true, description: 'null: unlimited' }) limit: number | null;
  @ApiProperty({ type: 'integer' }) used: number;
  @ApiProperty({ type: 'integer', nullable: true, description: 'null: unlimited' }) remaining: number | null;
  @ApiPropertyOptional({ format: 'date-time', description: 'A metric that resets: its current period (inclusive)' }) periodStart?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'A metric that resets: the end of its current period (exclusive)' }) periodEnd?: string;
}

/** GET /service/tenants/:tenantId/entitlements. */
export class ServiceEntitlementsDto {
  @ApiProperty({ format: 'uuid' }) tenantId: string;
  @ApiProperty({ enum: ['active', 'suspended'], description: 'suspended: by staff or for non-payment (nothing may be created)' }) status: 'active' | 'suspended';
  @ApiProperty({ enum: BILLING_STATUSES }) billingStatus: string;
  @ApiProperty({ example: 'growth' }) planCode: string;
  @ApiProperty({ type: [ServiceModuleEntitlementDto] }) modules: ServiceModuleEntitlementDto[];
  @ApiProperty({ type: [ServiceMetricAllowanceDto] }) metrics: ServiceMetricAllowanceDto[];
  @ApiProperty({ type: 'integer', example: ENTITLEMENTS_CACHE_TTL_SECONDS, description: 'Seconds the caller may cache this answer' }) cacheTtlSeconds: number;
}

/** Body of POST /service/entitlements/check. */
export class EntitlementCheckDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') tenantId: string;
  @ApiPropertyOptional({ example: 'crm', description: 'The module the action belongs to' })
  @IsOptional() @IsString() @Matches(/^[a-z][a-z0-9-]{1,49}$/, { message: 'moduleCode must be a module code (lowercase letters, digits, -)' })
  moduleCode?: string;
  @ApiPropertyOptional({ enum: METRIC_CODES, example: 'projects' }) @IsOptional() @IsIn(METRIC_CODES) metric?: string;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: 1, description: 'How much of the metric the action would use' })
  @IsOptional() @IsInt() @Min(1) @Max(MAX_LIMIT)
  amount?: number;
}

/** The answer of an entitlement check: allowed or not, with the facts a 402/403 problem would carry. */
export class EntitlementCheckResultDto {
  @ApiProperty() allowed: boolean;
  @ApiPropertyOptional({ enum: CHECK_CODES, description: 'Why not (absent when allowed): the code the matching 402/403 problem carries' }) code?: string;
  @ApiProperty({ example: 'Your plan allows 5 projects; 5 are in use.', description: 'A sentence for the end user' }) reason: string;
  @ApiPropertyOptional({ enum: METRIC_CODES }) metric?: string;
  @ApiPropertyOptional({ type: 'integer', nullable: true }) limit?: number | null;
  @ApiPropertyOptional({ type: 'integer' }) used?: number;
  @ApiPropertyOptional({ type: 'integer', nullable: true }) remaining?: number | null;
  @ApiPropertyOptional({ enum: ENTITLEMENT_REASONS, description: 'With module_not_enabled: why the module is off' }) moduleReason?: string;
  @ApiProperty({ type: String, nullable: true, example: 'A tenant admin can upgrade the plan at POST /api/v1/tenant/subscription/change-plan.', description: 'What would make it allowed (null when allowed)' })
  upgradeHint: string | null;
}
