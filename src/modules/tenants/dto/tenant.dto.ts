import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  Validate,
  ValidateIf,
  ValidateNested,
  ValidatorConstraint,
  ValidatorConstraintInterface,
  ValidationArguments,
} from 'class-validator';
import { BILLING_INTERVALS, BillingInterval } from '../../../common/time';
import { IsCurrencyCode, MAX_CURSOR_LENGTH, MAX_OFFSET, PageMetaDto, PageQueryDto } from '../../../common/http';
import { AuditLogDto } from '../../audit';
import { MIN_PASSWORD_LENGTH } from '../../iam';
import { AllowanceDto, BILLING_STATUSES, MetricValueFields } from '../../plans';
import { canonicalise, canonicalLocale, canonicalTimeZone, IsBcp47Locale, IsIanaTimeZone, OptionalNotNull } from './field-rules';


/** Largest licence count a tenant can be provisioned with. */
export const MAX_LICENSES = 1_000_000;
/** Tenant slug: lowercase letters, digits and hyphens, 3–63 chars, starting and ending with a letter or digit. */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
/** One tag: a short lowercase word (letters, digits, `-`, `_`), 1–32 chars. */
export const TAG_PATTERN = /^[a-z0-9][a-z0-9_-]{0,31}$/;
export const TENANT_STATUSES = ['active', 'suspended', 'deleted'] as const;
/** Most trial days a tenant can be given at creation. */
export const MAX_TRIAL_DAYS = 365;

const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const lowerEmail = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);
const upper = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toUpperCase() : value);
const tagList = ({ value }: { value: unknown }) =>
  Array.isArray(value) ? [...new Set(value.map((t) => (typeof t === 'string' ? t.trim().toLowerCase() : t)))] : value;

/** The first admin of a new tenant. */
export class TenantAdminInputDto {
  @ApiProperty({ example: 'admin@acme.test' })
  @Transform(lowerEmail) @IsEmail() @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'Ada Admin' })
  @Transform(trimmed) @IsString() @MinLength(1) @MaxLength(200)
  fullName: string;

  @ApiPropertyOptional({
    format: 'password',
    minLength: MIN_PASSWORD_LENGTH,
    example: 'acme-admin-password',
    description: 'Omit to have one generated: it is returned once as adminTemporaryPassword and must be changed at first sign-in',
  })
  @IsOptional() @IsString() @MinLength(MIN_PASSWORD_LENGTH) @MaxLength(1024)
  password?: string;
}

/** Profile fields a super admin may change (PATCH; all optional). */
export class UpdateTenantDto {
  @ApiPropertyOptional({ example: 'Acme Inc.' })
  @OptionalNotNull() @Transform(trimmed) @IsString() @MinLength(1) @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ example: 'ops@acme.example' })
  @OptionalNotNull() @Transform(lowerEmail) @IsEmail() @MaxLength(254)
  contactEmail?: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: '+49 30 1234567' })
  @IsOptional() @Transform(trimmed) @IsString() @Matches(/^\+?[0-9][0-9 ().-]{3,30}$/, { message: 'contactPhone must be a phone number (digits, spaces, + ( ) . -)' })
  contactPhone?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'billing@acme.example' })
  @IsOptional() @Transform(lowerEmail) @IsEmail() @MaxLength(254)
  billingEmail?: string | null;

  @ApiPropertyOptional({ example: 'Europe/Berlin', description: 'IANA time zone' })
  @OptionalNotNull() @Transform(canonicalise(canonicalTimeZone)) @IsIanaTimeZone()
  timezone?: string;

  @ApiPropertyOptional({ example: 'EUR', description: 'ISO 4217 currency code' })
  @OptionalNotNull() @Transform(upper) @IsCurrencyCode()
  currency?: string;

  @ApiPropertyOptional({ example: 'de-DE', description: 'BCP 47 language tag' })
  @OptionalNotNull() @Transform(canonicalise(canonicalLocale)) @IsBcp47Locale()
  locale?: string;

  @ApiPropertyOptional({ type: [String], example: ['enterprise', 'eu'], description: 'Replaces the tags; lowercase words, at most 20' })
  @OptionalNotNull() @Transform(tagList) @IsArray() @ArrayMaxSize(20)
  @Matches(TAG_PATTERN, { each: true, message: 'each tag must be a lowercase word of 1–32 letters, digits, - or _' })
  tags?: string[];
}

/** Provisioning request: the tenant, its plan and its first admin. */
export class CreateTenantDto {
  @ApiProperty({ example: 'Acme' })
  @Transform(trimmed) @IsString() @MinLength(1) @MaxLength(200)
  name: string;

  @ApiProperty({ example: 'acme', description: 'Unique, immutable: lowercase letters, digits, hyphens; 3–63 chars' })
  @IsString() @Matches(SLUG_PATTERN, { message: 'slug must be 3–63 lowercase letters, digits or hyphens, starting and ending with a letter or digit' })
  slug: string;

  @ApiProperty({ example: 'ops@acme.test' })
  @Transform(lowerEmail) @IsEmail() @MaxLength(254)
  contactEmail: string;

  @ApiPropertyOptional({ example: '+49 30 1234567' })
  @IsOptional() @Transform(trimmed) @IsString() @Matches(/^\+?[0-9][0-9 ().-]{3,30}$/, { message: 'contactPhone must be a phone number (digits, spaces, + ( ) . -)' })
  contactPhone?: string;

  @ApiPropertyOptional({ example: 'billing@acme.example' })
  @IsOptional() @Transform(lowerEmail) @IsEmail() @MaxLength(254)
  billingEmail?: string;

  @ApiPropertyOptional({ example: 'Europe/Berlin', default: 'UTC', description: 'IANA time zone' })
  @IsOptional() @Transform(canonicalise(canonicalTimeZone)) @IsIanaTimeZone()
  timezone?: string;

  @ApiPropertyOptional({ example: 'EUR', default: 'USD', description: 'ISO 4217 currency code' })
  @IsOptional() @Transform(upper) @IsCurrencyCode()
  currency?: string;

  @ApiPropertyOptional({ example: 'de-DE', default: 'en', description: 'BCP 47 language tag' })
  @IsOptional() @Transform(canonicalise(canonicalLocale)) @IsBcp47Locale()
  locale?: string;

  @ApiProperty({ example: 'small', description: 'Code of an active plan (422 plan_unavailable otherwise), e.g. the plan created with POST /api/v1/admin/plans' })
  @IsString() @MinLength(1) @MaxLength(63)
  planCode: string;

  @ApiPropertyOptional({ type: 'integer', default: 14, minimum: 0, maximum: MAX_TRIAL_DAYS, description: 'Trial length in days; 0 = no trial (billingStatus active)' })
  @IsOptional() @IsInt() @Min(0) @Max(MAX_TRIAL_DAYS)
  trialDays?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_LICENSES,
    example: 10,
    description: 'Licensed user seats of the plan subscription (the members limit). Default: the plan’s members limit, else 1 when the plan prices seats, else unlicensed',
  })
  @IsOptional() @IsInt() @Min(1) @Max(MAX_LICENSES)
  licenses?: number;

  @ApiPropertyOptional({ enum: BILLING_INTERVALS, enumName: 'BillingInterval', default: 'month', description: 'Billing interval of the plan subscription' })
  @IsOptional() @IsIn(BILLING_INTERVALS)
  billingInterval?: BillingInterval;

  @ApiPropertyOptional({ type: [String], example: ['enterprise', 'eu'], description: 'Lowercase words, at most 20' })
  @IsOptional() @Transform(tagList) @IsArray() @ArrayMaxSize(20)
  @Matches(TAG_PATTERN, { each: true, message: 'each tag must be a lowercase word of 1–32 letters, digits, - or _' })
  tags?: string[];

  @ApiProperty({ type: TenantAdminInputDto })
  @ValidateNested() @Type(() => TenantAdminInputDto)
  admin: TenantAdminInputDto;
}

/** A tenant's profile as super admins see it. `version` is also its ETag (`"<version>"`). */
export class TenantDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Acme Inc.' }) name: string;
  @ApiProperty({ example: 'acme' }) slug: string;
  @ApiProperty({ enum: TENANT_STATUSES }) status: string;
  @ApiProperty() contactEmail: string;
  @ApiProperty({ type: String, nullable: true }) contactPhone: string | null;
  @ApiProperty({ type: String, nullable: true }) billingEmail: string | null;
  @ApiProperty({ example: 'UTC' }) timezone: string;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ example: 'en' }) locale: string;
  @ApiProperty({ type: [String] }) tags: string[];
  @ApiProperty({ type: String, nullable: true }) suspendedReason: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) suspendedAt: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) deletedAt: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'When a deleted tenant’s data will be purged' })
  purgeAfter: string | null;
  @ApiProperty({ type: 'integer', example: 3, description: 'Incremented on every change; ETag = "<version>"' }) version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

/** The admin user created with a tenant. */
export class TenantAdminUserDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty() fullName: string;
  @ApiProperty({ enum: ['admin'] }) role: string;
  @ApiProperty({ description: 'True when the password was generated: it must be changed at first sign-in' }) mustChangePassword: boolean;
}

/** Result of provisioning. */
export class CreateTenantResultDto {
  @ApiProperty({ type: TenantDto }) tenant: TenantDto;
  @ApiProperty({ type: TenantAdminUserDto }) admin: TenantAdminUserDto;
  @ApiProperty({ type: String, nullable: true, description: 'Generated password, shown only in this response; null when one was given' })
  adminTemporaryPassword: string | null;
}

const SORTS = ['name', 'createdAt', 'trialEndsAt', 'healthScore'] as const;
/** Risk levels of the tenant health model. */
export const RISK_LEVELS = ['low', 'medium', 'high'] as const;
export type TenantSort = (typeof SORTS)[number];

/** What `offset` becomes when `cursor` is given too: the `cursor` check below answers 400. */
const OFFSET_WITH_CURSOR = Symbol('offset-with-cursor');

/** `cursor` and `offset` are exclusive: a 400 naming `cursor` when both are given. */
@ValidatorConstraint({ name: 'cursorWithoutOffset' })
class CursorWithoutOffset implements ValidatorConstraintInterface {
  validate(_value: unknown, args: ValidationArguments): boolean {
    return (args.object as { offset?: unknown }).offset !== OFFSET_WITH_CURSOR;
  }
  defaultMessage(): string {
    return 'cursor and offset are exclusive; drop offset (a cursor page continues after the cursor)';
  }
}

/**
 * Search, filters, sort and page of the tenant list: offset pages (`limit`, `offset`) or keyset
 * pages (`limit`, `cursor` = meta.nextCursor of the previous page, same sort/order/filters).
 */
export class TenantListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ minimum: 0, maximum: MAX_OFFSET, default: 0, description: 'Rows to skip (offset mode); not with `cursor`. Deep pages: use `cursor` instead' })
  @ValidateIf((o: { offset: unknown }) => o.offset !== OFFSET_WITH_CURSOR)
  // Runs only when the query has `offset` (class-transformer transforms present keys only).
  @Transform(({ value, obj }) => ((obj as Record<string, unknown>).cursor !== undefined ? OFFSET_WITH_CURSOR : value), { toClassOnly: true })
  override offset: number = 0;

  @ApiPropertyOptional({
    maxLength: MAX_CURSOR_LENGTH,
    description:
      'Keyset page: `meta.nextCursor` of the previous page (offset or cursor mode), passed unchanged with the same `sort`, `order` and filters; not with `offset`. Opaque base64url',
  })
  @IsOptional() @IsString() @MaxLength(MAX_CURSOR_LENGTH) @Validate(CursorWithoutOffset)
  cursor?: string;

  @ApiPropertyOptional({ description: 'Case-insensitive substring of name, slug or contact email' })
  @IsOptional() @Transform(trimmed) @IsString() @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ enum: TENANT_STATUSES, description: 'Default: every status except deleted' })
  @IsOptional() @IsIn(TENANT_STATUSES)
  status?: (typeof TENANT_STATUSES)[number];

  @ApiPropertyOptional({ enum: BILLING_STATUSES })
  @IsOptional() @IsIn(BILLING_STATUSES)
  billingStatus?: (typeof BILLING_STATUSES)[number];

  @ApiPropertyOptional({ description: 'Tenants on this plan code, e.g. growth' })
  @IsOptional() @IsString() @MaxLength(63)
  planCode?: string;

  @ApiPropertyOptional({ description: 'Tenants carrying this tag, e.g. enterprise' })
  @IsOptional() @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value)) @Matches(TAG_PATTERN, { message: 'tag must be a lowercase word' })
  tag?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 365, description: 'Tenants in trial whose trial ends within this many days from now' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(365)
  trialEndingWithinDays?: number;

  @ApiPropertyOptional({ enum: RISK_LEVELS, description: 'Tenants whose latest daily health snapshot has this risk level (tenants not yet scored never match)' })
  @IsOptional() @IsIn(RISK_LEVELS)
  healthRisk?: (typeof RISK_LEVELS)[number];

  @ApiPropertyOptional({
    enum: SORTS,
    default: 'createdAt',
    description: '`healthScore`: the latest daily health score (`order=asc`: riskiest first); tenants not yet scored sort last in both orders',
  })
  @IsOptional() @IsIn(SORTS)
  sort: TenantSort = 'createdAt';

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc' })
  @IsOptional() @IsIn(['asc', 'desc'])
  order: 'asc' | 'desc' = 'desc';
}

/** The plan a tenant is on, as lists show it. */
export class PlanSummaryDto {
  @ApiProperty({ example: 'growth' }) code: string;
  @ApiProperty({ example: 'Growth' }) name: string;
}

/** Seats used against the effective members limit; percent is null when unlimited. */
export class SeatUsageDto {
  @ApiProperty({ type: 'integer', example: 7 }) used: number;
  @ApiProperty({ type: 'integer', nullable: true, example: 10, description: 'null = unlimited' }) limit: number | null;
  @ApiProperty({ type: 'integer', nullable: true, example: 70, description: 'round(used / limit × 100); null when unlimited; may pass 100 after a limit was lowered' })
  percent: number | null;
}

/** Usage shown on a tenant list row. */
export class TenantListUsageDto {
  @ApiProperty({ type: SeatUsageDto }) members: SeatUsageDto;
}

/** The plan subscription as a tenant list row shows it. Amounts in minor units. */
export class TenantListSubscriptionDto {
  @ApiProperty({ enum: ['trial', 'active', 'past_due', 'suspended', 'cancelled'], enumName: 'SubscriptionStatus' }) status: string;
  @ApiProperty({ type: 'integer', nullable: true, example: 10, description: 'Licensed seats; null when the plan does not license seats' }) licenses: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 60, description: 'Active users / licenses × 100, 2 decimals' }) usagePercentage: number | null;
  @ApiProperty({ type: 'integer', example: 15000, description: 'Monthly cost of the plan subscription (annual / 12)' }) monthlyCostCents: number;
  @ApiProperty({ type: 'integer', example: 21, description: 'Whole days to the end of the current period, rounded up' }) billingDaysRemaining: number;
  @ApiProperty({ format: 'date-time' }) nextBillingDate: string;
  @ApiProperty({ description: 'Staff exempted the tenant from dunning enforcement (no module is turned off and the tenant is not suspended for non-payment while set)' })
  enforcementPaused: boolean;
}

/** The tenant's latest daily health snapshot, as a list row shows it. */
export class TenantListHealthDto {
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 100, example: 72 }) score: number;
  @ApiProperty({ enum: RISK_LEVELS, description: 'low: score ≥ 70; medium: 40–69; high: below 40' }) risk: string;
  @ApiProperty({ example: '2026-12-04', description: 'UTC day of the snapshot; GET /admin/tenants/{tenantId}/health computes the live score' }) day: string;
}

/** One row of the tenant list. */
export class TenantListItemDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() slug: string;
  @ApiProperty({ enum: TENANT_STATUSES }) status: string;
  @ApiProperty({ enum: BILLING_STATUSES }) billingStatus: string;
  @ApiProperty({ type: PlanSummaryDto }) plan: PlanSummaryDto;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) trialEndsAt: string | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Whole days left in the trial, rounded up, never negative; null without a trial' })
  trialDaysRemaining: number | null;
  @ApiProperty({ type: [String] }) tags: string[];
  @ApiProperty({ type: TenantListUsageDto }) usage: TenantListUsageDto;
  @ApiProperty({ type: TenantListSubscriptionDto, nullable: true, description: 'The plan subscription; null for a tenant without one' })
  subscription: TenantListSubscriptionDto | null;
  @ApiProperty({ type: TenantListHealthDto, nullable: true, description: 'Latest daily health snapshot; null until the tenant is first scored' })
  health: TenantListHealthDto | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

/** `meta` of the tenant list: offset pagination plus the keyset cursor of the next page. */
export class TenantListPageMetaDto extends PageMetaDto {
  @ApiProperty({ example: 0, description: 'Rows skipped: the query\'s `offset`; always 0 in cursor mode (the page starts after the cursor)' })
  override offset: number = 0;

  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: 'Opaque cursor of the next page (pass it as `cursor` with the same sort, order and filters); null on the last page. Given in offset mode too',
  })
  nextCursor: string | null;
}

/** A page of tenants; `meta.nextCursor` continues it by keyset. */
export class TenantListItemPageDto {
  @ApiProperty({ type: [TenantListItemDto] }) data: TenantListItemDto[];
  @ApiProperty({ type: TenantListPageMetaDto }) meta: TenantListPageMetaDto;
}

/** The tenant's plan and billing state with its allowances. */
export class TenantQuotaSummaryDto {
  @ApiProperty({ type: PlanSummaryDto }) plan: PlanSummaryDto;
  @ApiProperty({ enum: BILLING_STATUSES }) billingStatus: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) trialEndsAt: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) trialDaysRemaining: number | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) currentPeriodEndsAt: string | null;
  @ApiProperty({ type: [AllowanceDto] }) allowances: AllowanceDto[];
}

/** Live usage counters: one property per registry metric (a monthly total: the current calendar month, UTC). */
export class TenantUsageSummaryDto extends MetricValueFields() {
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) lastCalculatedAt: string | null;
}

/** The tenant's first active admin: whom to contact. */
export class TenantAdminContactDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty() fullName: string;
}

/** Everything a super admin sees on a tenant's page. */
export class TenantDetailDto extends TenantDto {
  @ApiProperty({ type: TenantQuotaSummaryDto }) quota: TenantQuotaSummaryDto;
  @ApiProperty({ type: TenantUsageSummaryDto }) usage: TenantUsageSummaryDto;
  @ApiProperty({ type: TenantAdminContactDto, nullable: true }) adminContact: TenantAdminContactDto | null;
  @ApiProperty({ type: 'integer' }) notesCount: number;
  @ApiProperty({ type: [AuditLogDto], description: 'The 10 latest audit rows of this tenant, newest first' }) recentAuditEvents: AuditLogDto[];
}

/** Body of POST /admin/tenants/:tenantId/suspend; the reason is recorded and audited. */
export class SuspendTenantDto {
  @ApiProperty({ example: 'Chargeback under investigation (ticket 4711)' })
  @Transform(trimmed) @IsString() @MinLength(1) @MaxLength(1000)
  reason: string;
}

/** Body of POST /admin/tenants/:tenantId/activate. */
export class ActivateTenantDto {
  @ApiPropertyOptional({ example: 'Payment received' })
  @IsOptional() @Transform(trimmed) @IsString() @MinLength(1) @MaxLength(1000)
  reason?: string;
}

/** Answer to DELETE: the tenant is soft-deleted and will be purged after `purgeAfter`. */
export class TenantDeletionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['deleted'] }) status: 'deleted';
  @ApiProperty({ format: 'date-time' }) deletedAt: string;
  @ApiProperty({ format: 'date-time', description: 'deletedAt + TENANT_PURGE_GRACE_DAYS; restore is possible until then' }) purgeAfter: string;
}

/** A single-use password reset token for the tenant's admin (valid one hour). */
export class AdminPasswordResetDto {
  @ApiProperty({ description: 'Shown once; consume it with POST /api/v1/auth/password/reset' }) resetToken: string;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
  @ApiProperty({ format: 'uuid', description: 'The admin user it resets' }) userId: string;
  @ApiProperty() email: string;
}
