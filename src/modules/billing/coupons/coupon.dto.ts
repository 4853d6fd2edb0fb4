import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { IsCurrencyCode, IsIsoDateTimeInRange, PageQueryDto } from '../../../common/http';
import { MAX_PRICE_CENTS } from '../../plans';
import { COUPON_DURATIONS } from './discount';

/** A coupon code as typed by people: letters, digits, `-` and `_`, 1–40 characters; compared case-insensitively (stored upper-case). */
export const COUPON_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/;
const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const upper = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.toUpperCase() : value);

/** What a coupon applies to: plan and module codes. Both empty (or absent) = every plan and module. */
export class CouponAppliesToDto {
  @ApiPropertyOptional({ type: [String], example: ['growth'], description: 'Codes of active plans; the coupon applies to plan subscriptions on them' })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @Matches(SLUG, { each: true, message: 'each planCodes entry must be a plan code' })
  planCodes?: string[];
  @ApiPropertyOptional({ type: [String], example: ['crm'], description: 'Codes of catalog modules; the coupon applies to subscriptions to them' })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @Matches(SLUG, { each: true, message: 'each moduleCodes entry must be a module code' })
  moduleCodes?: string[];
}

/**
 * Body of POST /admin/coupons (Stripe's coupon). Exactly one of `percentOff` or `amountOffCents`
 * (with its `currency`); `durationInMonths` with `repeating` only. The code and price terms are
 * immutable once created.
 */
export class CreateCouponDto {
  @ApiProperty({ example: 'SPRING20', description: 'Unique, case-insensitive (stored upper-case): letters, digits, - and _' })
  @IsString() @Matches(COUPON_CODE_PATTERN, { message: 'code must be 1–40 letters, digits, - or _' }) @Transform(upper)
  code: string;
  @ApiProperty({ example: 'Spring 2027: 20 % off', minLength: 1, maxLength: 200 }) @IsString() @MinLength(1) @MaxLength(200) name: string;
  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 100, example: 20, description: 'Percentage off, 1–100, up to 2 decimals; or give amountOffCents' })
  @IsOptional() @IsNumber({ maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false }) @Min(1) @Max(100)
  percentOff?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PRICE_CENTS, example: 1000, description: 'Amount off each period’s charges, minor units of `currency`; or give percentOff' })
  @IsOptional() @IsInt() @Min(1) @Max(MAX_PRICE_CENTS)
  amountOffCents?: number;
  @ApiPropertyOptional({ example: 'USD', description: 'ISO 4217; required with amountOffCents (only subscriptions in this currency can redeem it)' })
  @IsOptional() @Transform(upper) @IsCurrencyCode()
  currency?: string;
  @ApiProperty({ enum: COUPON_DURATIONS, enumName: 'CouponDuration', description: 'once: the first period charged; repeating: durationInMonths months of periods; forever' })
  @IsIn(COUPON_DURATIONS)
  duration: (typeof COUPON_DURATIONS)[number];
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 120, example: 3, description: 'Required with duration repeating (an annual period counts as 12 months)' })
  @IsOptional() @IsInt() @Min(1) @Max(120)
  durationInMonths?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 2147483647, description: 'How many times it can be redeemed in all; absent = no limit' })
  @IsOptional() @IsInt() @Min(1) @Max(2147483647)
  maxRedemptions?: number;
  @IsIsoDateTimeInRange({ optional: true, description: 'Last instant it can be redeemed; absent = no end' }) redeemBy?: Date;
  @ApiPropertyOptional({ type: CouponAppliesToDto, description: 'Absent or both lists empty = every plan and module; else only the listed ones' })
  @IsOptional() @ValidateNested() @Type(() => CouponAppliesToDto)
  appliesTo?: CouponAppliesToDto;
  @ApiPropertyOptional({ default: true, description: 'Whether it can be redeemed (deactivating keeps the discounts already running)' }) @IsOptional() @IsBoolean() isActive?: boolean;
}

/** Body of PATCH /admin/coupons/:couponId: the name, the isActive flag and the redemption limits only (the code and price terms are immutable; another field is a 400). */
export class UpdateCouponDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 }) @IsOptional() @IsString() @MinLength(1) @MaxLength(200) name?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() isActive?: boolean;
  @IsIsoDateTimeInRange({ optional: true, nullable: true, description: 'Last instant it can be redeemed; null removes the end' }) redeemBy?: Date | null;
  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 1, maximum: 2147483647, description: 'Never below timesRedeemed (422 coupon_terms_immutable); null removes the limit' })
  @IsOptional() @IsInt() @Min(1) @Max(2147483647)
  maxRedemptions?: number | null;
}

/** What a coupon applies to, as stored (both empty = everything). */
export class CouponAppliesToViewDto {
  @ApiProperty({ type: [String] }) planCodes: string[];
  @ApiProperty({ type: [String] }) moduleCodes: string[];
}

/** A coupon of the catalog. Amounts in minor units of `currency`. */
export class CouponDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'SPRING20' }) code: string;
  @ApiProperty({ example: 'Spring 2027: 20 % off' }) name: string;
  @ApiProperty({ type: Number, nullable: true, example: 20, description: 'Percentage off (up to 2 decimals); null on an amount-off coupon' }) percentOff: number | null;
  @ApiProperty({ type: 'integer', nullable: true, example: null, description: 'Amount off, minor units; null on a percent-off coupon' }) amountOffCents: number | null;
  @ApiProperty({ type: String, nullable: true, example: null, description: 'ISO 4217 of amountOffCents' }) currency: string | null;
  @ApiProperty({ enum: COUPON_DURATIONS, enumName: 'CouponDuration' }) duration: string;
  @ApiProperty({ type: 'integer', nullable: true, example: null }) durationInMonths: number | null;
  @ApiProperty({ type: 'integer', nullable: true, example: 100 }) maxRedemptions: number | null;
  @ApiProperty({ type: 'integer', example: 0, description: 'Redemptions so far (read-only)' }) timesRedeemed: number;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) redeemBy: string | null;
  @ApiProperty({ type: CouponAppliesToViewDto }) appliesTo: CouponAppliesToViewDto;
  @ApiProperty() isActive: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

/** Filters and paging of GET /admin/coupons. */
export class CouponListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only active (true) or inactive (false) coupons' })
  @IsOptional() @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value)) @IsBoolean()
  isActive?: boolean;
}

/** Body of POST /admin/tenants/:tenantId/subscription/discount. */
export class ApplyDiscountDto {
  @ApiProperty({ example: 'SPRING20', description: 'The coupon to redeem (case-insensitive)' })
  @IsString() @Matches(COUPON_CODE_PATTERN, { message: 'couponCode must be 1–40 letters, digits, - or _' })
  couponCode: string;
  @ApiPropertyOptional({ example: 'crm', description: 'A module the tenant subscribes to; absent = the plan subscription' })
  @IsOptional() @IsString() @Matches(SLUG, { message: 'moduleCode must be a module code (a lowercase slug)' })
  moduleCode?: string;
}

/** Query of DELETE /admin/tenants/:tenantId/subscription/discount. */
export class RemoveDiscountQueryDto {
  @ApiPropertyOptional({ example: 'crm', description: 'A module the tenant subscribes to; absent = the plan subscription' })
  @IsOptional() @IsString() @Matches(SLUG, { message: 'moduleCode must be a module code (a lowercase slug)' })
  moduleCode?: string;
}

/** A subscription's live discount (a redeemed coupon). */
export class SubscriptionDiscountDto {
  @ApiProperty({ format: 'uuid' }) couponId: string;
  @ApiProperty({ example: 'SPRING20' }) code: string;
  @ApiProperty({ type: Number, nullable: true, example: 20 }) percentOff: number | null;
  @ApiProperty({ type: 'integer', nullable: true, example: null }) amountOffCents: number | null;
  @ApiProperty({ type: String, nullable: true, example: null }) currency: string | null;
  @ApiProperty({ enum: COUPON_DURATIONS, enumName: 'CouponDuration' }) duration: string;
  @ApiProperty({ type: 'integer', nullable: true, example: 3, description: 'Full periods still discounted; null = forever' }) periodsRemaining: number | null;
  @ApiProperty({ format: 'date-time' }) redeemedAt: string;
}
