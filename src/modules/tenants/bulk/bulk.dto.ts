import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsIsoDateTimeInRange } from '../../../common/http';
import { BILLING_INTERVALS } from '../../../common/time';
import { BILLING_STATUSES } from '../../plans';
import { RISK_LEVELS, TAG_PATTERN, TENANT_STATUSES } from '../dto/tenant.dto';

/** Most tenants one bulk action may name or match. */
export const BULK_MAX_TENANTS = 1000;

const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const lowerTag = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

/** The tenant list's filters, to select the tenants of a bulk action (resolved when the action is asked). */
export class BulkTenantFilterDto {
  @ApiPropertyOptional({ description: 'Case-insensitive substring of name, slug or contact email' }) @IsOptional() @Transform(trimmed) @IsString() @MaxLength(200) q?: string;
  @ApiPropertyOptional({ enum: TENANT_STATUSES, description: 'Default: every status except deleted' }) @IsOptional() @IsIn(TENANT_STATUSES) status?: (typeof TENANT_STATUSES)[number];
  @ApiPropertyOptional({ enum: BILLING_STATUSES }) @IsOptional() @IsIn(BILLING_STATUSES) billingStatus?: (typeof BILLING_STATUSES)[number];
  @ApiPropertyOptional({ example: 'growth' }) @IsOptional() @IsString() @MaxLength(63) planCode?: string;
  @ApiPropertyOptional({ example: 'enterprise' }) @IsOptional() @Transform(lowerTag) @Matches(TAG_PATTERN, { message: 'tag must be a lowercase word' }) tag?: string;
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 365, description: 'Tenants in trial whose trial ends within this many days' })
  @IsOptional() @IsInt() @Min(0) @Max(365)
  trialEndingWithinDays?: number;
  @ApiPropertyOptional({ enum: RISK_LEVELS, description: 'Risk level of the latest daily health snapshot' }) @IsOptional() @IsIn(RISK_LEVELS) healthRisk?: (typeof RISK_LEVELS)[number];
}

/**
 * Which tenants (`tenantIds` or `filter`, exactly one), why, and whether to only simulate. A dry
 * run goes through the same domain rules, then rolls each tenant back: its items say what would
 * happen (`would_change`, `would_skip`, `would_fail`) and nothing changes.
 */
export class BulkTenantActionDto {
  @ApiPropertyOptional({ type: [String], format: 'uuid', minItems: 1, maxItems: BULK_MAX_TENANTS, description: 'The tenants, in the order to process them; or give `filter`' })
  @ValidateIf((o: BulkTenantActionDto) => o.filter === undefined || o.tenantIds !== undefined)
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(BULK_MAX_TENANTS) @ArrayUnique() @IsUUID('all', { each: true })
  tenantIds?: string[];

  @ApiPropertyOptional({ type: BulkTenantFilterDto, description: `The tenant list's filters; at most ${BULK_MAX_TENANTS} tenants may match. Or give \`tenantIds\`` })
  @ValidateIf((o: BulkTenantActionDto) => o.tenantIds === undefined || o.filter !== undefined)
  @ValidateNested() @Type(() => BulkTenantFilterDto)
  filter?: BulkTenantFilterDto;

  @ApiProperty({ example: 'Q4 sales campaign: two more weeks for evaluating accounts', minLength: 3, maxLength: 500, description: 'Why; on every audit row' })
  @IsString() @MinLength(3) @MaxLength(500)
  reason: string;

  @ApiPropertyOptional({ default: false, description: 'Only say what would happen per tenant; change nothing' })
  @IsOptional() @IsBoolean()
  dryRun?: boolean;
}

/** Suspend the tenants (signed-in users lose access at once; already suspended ones are skipped). */
export class BulkSuspendDto extends BulkTenantActionDto {}

/** Activate suspended tenants (others are skipped). */
export class BulkActivateDto extends BulkTenantActionDto {}

/** Extend the trials by `days` or to `trialEndsAt` (tenants not in trial are skipped). */
export class BulkExtendTrialDto extends BulkTenantActionDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 365, example: 14, description: 'Days added to each current trial end; or give `trialEndsAt`' })
  @ValidateIf((o: BulkExtendTrialDto) => o.trialEndsAt === undefined || o.days !== undefined)
  @IsInt() @Min(1) @Max(365)
  days?: number;

  @IsIsoDateTimeInRange({ optional: true, description: 'The new end of every trial (after each current one); or give `days`' })
  trialEndsAt?: Date;
}

/** Move the tenants' plan subscriptions to another plan (tenants already on it are skipped). */
export class BulkChangePlanDto extends BulkTenantActionDto {
  @ApiProperty({ example: 'growth', description: 'Code of an active plan' })
  @IsString() @Matches(/^[a-z0-9-]{1,63}$/, { message: 'planCode must be a plan code' })
  planCode: string;

  @ApiPropertyOptional({ enum: BILLING_INTERVALS, description: "Default: each subscription's current interval" })
  @IsOptional() @IsIn(BILLING_INTERVALS)
  interval?: (typeof BILLING_INTERVALS)[number];

  @ApiPropertyOptional({ enum: ['now', 'period_end'], description: 'Default: now for an upgrade (prorated), period_end for a downgrade — as for one tenant' })
  @IsOptional() @IsIn(['now', 'period_end'])
  effective?: 'now' | 'period_end';
}

/** Add and/or remove tags (tenants whose tags would not change are skipped). */
export class BulkTagDto extends BulkTenantActionDto {
  @ApiPropertyOptional({ type: [String], example: ['q4-campaign'], maxItems: 20 })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @Transform(({ value }: { value: unknown }) => (Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v)) : value))
  @Matches(TAG_PATTERN, { each: true, message: 'each tag must be a lowercase word of 1–32 letters, digits, - or _' })
  add?: string[];

  @ApiPropertyOptional({ type: [String], example: ['trial-at-risk'], maxItems: 20 })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @Transform(({ value }: { value: unknown }) => (Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v)) : value))
  @Matches(TAG_PATTERN, { each: true, message: 'each tag must be a lowercase word of 1–32 letters, digits, - or _' })
  remove?: string[];
}
