import { Body, Controller, HttpCode, Injectable, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsOptional, IsString, IsUUID, Matches, ValidateNested } from 'class-validator';
import { ENTITLEMENT_REASONS, PlatformAuth } from '../../../common/auth';
import { ApiOp, Audited, AuditResource } from '../../../common/http';
import { METRIC_CODES, PlanLimits, PlanLimitsDto, QuotaService } from '../../plans';
import { entitlementOf } from '../entitlements';
import { EntitlementsService } from '../entitlements.service';

/** Path of the what-if route. */
export class WhatIfParams {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') tenantId: string;
}

/** Body of POST /admin/tenants/:tenantId/quota/what-if: the change to try (nothing is changed). */
export class QuotaWhatIfDto {
  @ApiPropertyOptional({ example: 'starter', description: 'An active plan the tenant would move to' })
  @IsOptional() @IsString() @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'planCode must be a plan code' })
  planCode?: string;
  @ApiPropertyOptional({ type: PlanLimitsDto, description: 'Limit overrides that would replace the stored ones ({} removes them all)' })
  @IsOptional() @ValidateNested() @Type(() => PlanLimitsDto)
  limitOverrides?: PlanLimitsDto;
}

/** One metric under the change. */
export class WhatIfMetricDto {
  @ApiProperty({ enum: METRIC_CODES }) metric: string;
  @ApiProperty({ type: 'integer', nullable: true }) limit: number | null;
  @ApiProperty({ type: 'integer' }) used: number;
  @ApiProperty({ description: 'true: use is above the limit it would have' }) overLimit: boolean;
}

/** A module the change would turn off. */
export class WhatIfModuleDto {
  @ApiProperty({ example: 'call-analytics' }) code: string;
  @ApiProperty({ enum: ENTITLEMENT_REASONS, description: 'Why it would be off' }) reason: string;
}

/** What would break: every metric, the ones over their limit, and the modules that would turn off. */
export class QuotaWhatIfResultDto {
  @ApiProperty({ example: 'starter' }) planCode: string;
  @ApiProperty({ type: [WhatIfMetricDto] }) metrics: WhatIfMetricDto[];
  @ApiProperty({ type: [String], enum: METRIC_CODES, description: 'The metrics over their limit after the change' }) overLimit: string[];
  @ApiProperty({ type: [WhatIfModuleDto] }) modulesTurningOff: WhatIfModuleDto[];
}

/**
 * "What breaks if" for staff: the tenant's metrics and modules under another plan and/or other
 * limit overrides, computed with the same rules as the real change (effective limits: override ??
 * licenses ?? plan; module entitlements), changing nothing.
 */
@Injectable()
export class QuotaWhatIfService {
  constructor(
    private readonly quotas: QuotaService,
    private readonly entitlements: EntitlementsService,
  ) {}

  /** @throws NotFoundError `tenant_not_found` | UnprocessableError `plan_unavailable` (field planCode) */
  async whatIf(tenantId: string, dto: QuotaWhatIfDto): Promise<QuotaWhatIfResultDto> {
    const features = await this.quotas.features(tenantId);
    const plan = dto.planCode ? await this.quotas.activePlan(dto.planCode) : null;
    const metrics = await this.quotas.whatIf(tenantId, { planLimits: plan?.limits, overrides: dto.limitOverrides as PlanLimits | undefined });
    const views = await this.entitlements.views(tenantId);
    const modulesTurningOff = plan
      ? views
          .filter((v) => v.enabled)
          .map((v) => ({ code: v.module.code, after: entitlementOf({ staffOverride: features.overrides[v.module.code], deactivatedByTenant: v.deactivated, includedInPlan: plan.features[v.module.code] === true, subscriptionStatus: v.subscription?.status ?? null }) }))
          .filter((m) => !m.after.enabled)
          .map((m) => ({ code: m.code, reason: m.after.reason }))
      : [];
    return { planCode: plan?.code ?? features.planCode, metrics, overLimit: metrics.filter((m) => m.overLimit).map((m) => m.metric), modulesTurningOff };
  }
}

/** Staff's "what breaks if" for a tenant's quota (owner, admin, support). */
@ApiTags('quotas')
@AuditResource('plans', 'quota')
@PlatformAuth()
@Controller('admin/tenants/:tenantId/quota/what-if')
export class AdminQuotaWhatIfController {
  constructor(private readonly service: QuotaWhatIfService) {}

  @Post()
  @HttpCode(200)
  @Audited('quota.whatIf')
  @ApiOp('adminQuota_whatIf', 'What breaks if the tenant moved to another plan or other limit overrides (changes nothing)', ['validation_failed', 'tenant_not_found', 'plan_unavailable'])
  @ApiOkResponse({ type: QuotaWhatIfResultDto })
  whatIf(@Param() p: WhatIfParams, @Body() dto: QuotaWhatIfDto): Promise<QuotaWhatIfResultDto> {
    return this.service.whatIf(p.tenantId, dto);
  }
}
