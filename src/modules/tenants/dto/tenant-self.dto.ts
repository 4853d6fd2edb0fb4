import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { IsCurrencyCode } from '../../../common/http';
import { BILLING_STATUSES } from '../../plans';
import { canonicalise, canonicalLocale, canonicalTimeZone, IsBcp47Locale, IsIanaTimeZone, OptionalNotNull } from './field-rules';
import { PlanSummaryDto, TENANT_STATUSES } from './tenant.dto';

/** The caller's own tenant, as its users see it. */
export class TenantSelfDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() slug: string;
  @ApiProperty({ enum: TENANT_STATUSES }) status: string;
  @ApiProperty({ example: 'UTC' }) timezone: string;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ example: 'en' }) locale: string;
  @ApiProperty({ type: PlanSummaryDto }) plan: PlanSummaryDto;
  @ApiProperty({ enum: BILLING_STATUSES }) billingStatus: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) trialEndsAt: string | null;
}

/** Settings a tenant admin may change. */
export class UpdateTenantSettingsDto {
  @ApiPropertyOptional({ example: 'Acme Inc.' })
  @OptionalNotNull() @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value)) @IsString() @MinLength(1) @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ example: 'Europe/Berlin', description: 'IANA time zone' })
  @OptionalNotNull() @Transform(canonicalise(canonicalTimeZone)) @IsIanaTimeZone()
  timezone?: string;

  @ApiPropertyOptional({ example: 'EUR', description: 'ISO 4217 currency code' })
  @OptionalNotNull() @Transform(({ value }) => (typeof value === 'string' ? value.trim().toUpperCase() : value)) @IsCurrencyCode()
  currency?: string;

  @ApiPropertyOptional({ example: 'de-DE', description: 'BCP 47 language tag' })
  @OptionalNotNull() @Transform(canonicalise(canonicalLocale)) @IsBcp47Locale()
  locale?: string;
}
