import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import { ENTITLEMENT_REASONS } from '../../../common/auth';
import { BILLING_INTERVALS, BillingInterval } from '../../../common/time';
import { ChargeLineDto, SubscriptionDto } from './subscription.dto';
import { COUPON_CODE_PATTERN } from '../coupons/coupon.dto';

/** A tenant's state with a module of the marketplace. */
export const MODULE_STATES = ['included', 'trial', 'active', 'past_due', 'suspended', 'cancelled', 'not_subscribed'] as const;

/** One module of the marketplace as the signed-in tenant sees it. Prices in minor units. */
export class MarketplaceModuleDto {
  @ApiProperty({ example: 'crm' }) code: string;
  @ApiProperty({ example: 'CRM' }) name: string;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ enum: ['flat', 'per_seat'], enumName: 'PricingModel' }) pricingModel: string;
  @ApiProperty({ type: 'integer', example: 2900 }) monthlyPriceCents: number;
  @ApiProperty({ type: 'integer', example: 29000 }) annualPriceCents: number;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ type: 'integer', example: 14, description: 'Length of the free trial in days; 0 = none' }) trialDays: number;
  @ApiProperty({ description: 'Whether this tenant can still start a free trial of it (one per module)' }) trialAvailable: boolean;
  @ApiProperty({ enum: MODULE_STATES, enumName: 'ModuleState', description: 'This tenant’s state with the module' }) state: string;
  @ApiProperty({ description: 'The tenant’s own switch: false after deactivate' }) activated: boolean;
  @ApiProperty({ description: 'Whether the module is enabled now (GET /tenant/entitlements gives the reason)' }) isEntitled: boolean;
  @ApiProperty({ type: SubscriptionDto, nullable: true, description: 'The tenant’s latest subscription to it' }) subscription: SubscriptionDto | null;
}

/** One module's entitlement for the signed-in tenant. */
export class EntitlementDto {
  @ApiProperty({ example: 'crm' }) module: string;
  @ApiProperty({ example: 'CRM' }) name: string;
  @ApiProperty({ description: 'Whether the tenant may use the module now' }) isEntitled: boolean;
  @ApiProperty({ enum: ENTITLEMENT_REASONS, enumName: 'EntitlementReason', example: 'trial' }) reason: string;
}


/** Path parameters of the module routes. */
export class ModuleCodeParams {
  @ApiProperty({ example: 'crm', description: 'Code of a module of the catalog (GET /api/v1/tenant/modules)' })
  @Matches(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, { message: 'moduleCode must be a module code (a lowercase slug)' })
  moduleCode: string;
}

/** Path parameters of the staff module routes of a tenant. */
export class TenantModuleParams extends ModuleCodeParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'tenantId must be a UUID' })
  tenantId: string;
}

/** Query of DELETE /admin/tenants/:tenantId/subscription/modules/:moduleCode. */
export class CancelModuleQueryDto {
  @ApiPropertyOptional({ enum: ['now', 'period_end'], default: 'now', description: 'now: ends it at once, crediting the unused paid time; period_end: it stays until its period (or trial) ends' })
  @IsOptional() @IsIn(['now', 'period_end'])
  effective?: 'now' | 'period_end';
  @ApiPropertyOptional({ default: false, description: 'Compute the answer (lines and totals) without changing anything' })
  @IsOptional() @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value)) @IsBoolean()
  preview?: boolean;
}

/** Body of POST /tenant/modules/:moduleCode/subscribe. */
export class SubscribeModuleDto {
  @ApiProperty({ enum: BILLING_INTERVALS, enumName: 'BillingInterval', example: 'month' }) @IsIn(BILLING_INTERVALS) interval: BillingInterval;
  @ApiPropertyOptional({ description: 'Start with the module’s free trial (default: true when the module offers one and this tenant has not used it)' })
  @IsOptional() @IsBoolean()
  trial?: boolean;
  @ApiPropertyOptional({ example: 'SPRING20', description: 'A coupon to redeem on the new module subscription (case-insensitive; a preview counts no redemption)' })
  @IsOptional() @IsString() @Matches(COUPON_CODE_PATTERN, { message: 'couponCode must be 1–40 letters, digits, - or _' })
  couponCode?: string;
  @ApiPropertyOptional({ default: false, description: 'Compute the answer (lines and totals) without changing anything' }) @IsOptional() @IsBoolean() preview?: boolean;
}

/** Answer of subscribe. */
export class ModuleSubscriptionResultDto {
  @ApiProperty({ description: 'True when nothing was changed (`preview: true`)' }) preview: boolean;
  @ApiProperty({ type: SubscriptionDto }) subscription: SubscriptionDto;
  @ApiProperty({ type: [ChargeLineDto], description: 'Charges recorded as pending invoice items (none during a trial)' }) lines: ChargeLineDto[];
  @ApiProperty({ type: 'integer', description: 'Sum of `lines`, minor units' }) totalCents: number;
}
