import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import { PageQueryDto } from '../../../common/http';
import { BILLING_INTERVALS } from '../../../common/time';
import { SUBSCRIPTION_KINDS, SUBSCRIPTION_STATUSES } from '../entities/subscription.entity';

/** Sorts of GET /admin/subscriptions. */
export const SUBSCRIPTION_SORTS = ['createdAt', 'currentPeriodEnd', 'trialEndsAt'] as const;

/** Filters, sort and paging of GET /admin/subscriptions (every subscription on the platform). */
export class SubscriptionListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() tenantId?: string;
  @ApiPropertyOptional({ enum: SUBSCRIPTION_STATUSES, enumName: 'SubscriptionStatus' }) @IsOptional() @IsIn(SUBSCRIPTION_STATUSES) status?: (typeof SUBSCRIPTION_STATUSES)[number];
  @ApiPropertyOptional({ enum: SUBSCRIPTION_KINDS, enumName: 'SubscriptionKind' }) @IsOptional() @IsIn(SUBSCRIPTION_KINDS) kind?: (typeof SUBSCRIPTION_KINDS)[number];
  @ApiPropertyOptional({ example: 'growth', description: 'Plan subscriptions on this plan' }) @IsOptional() @Matches(/^[a-z0-9-]{1,63}$/, { message: 'planCode must be a plan code' }) planCode?: string;
  @ApiPropertyOptional({ example: 'crm', description: 'Subscriptions to this module' }) @IsOptional() @Matches(/^[a-z0-9-]{1,63}$/, { message: 'moduleCode must be a module code' }) moduleCode?: string;
  @ApiPropertyOptional({ enum: BILLING_INTERVALS, enumName: 'BillingInterval' }) @IsOptional() @IsIn(BILLING_INTERVALS) interval?: (typeof BILLING_INTERVALS)[number];
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 365, description: 'In trial, the trial ending within this many days (overdue trials included)' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(365)
  trialEndingWithinDays?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 366, description: 'Not in trial nor cancelled, the current period ending within this many days' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(366)
  renewingWithinDays?: number;
  @ApiPropertyOptional({ enum: SUBSCRIPTION_SORTS, default: 'createdAt' }) @IsOptional() @IsIn(SUBSCRIPTION_SORTS) sort: (typeof SUBSCRIPTION_SORTS)[number] = 'createdAt';
  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc' }) @IsOptional() @IsIn(['asc', 'desc']) order: 'asc' | 'desc' = 'desc';
}
