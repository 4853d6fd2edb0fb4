import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { IsCurrencyCode, PageQueryDto } from '../../../common/http';
import { PRICING_MODELS, PricingModel } from '../entities/product-module.entity';
import { MAX_PRICE_CENTS } from './plan.dto';

/** Longest free trial a module may offer, in days. */
export const MAX_TRIAL_DAYS = 365;

/** A product module of the catalog. Prices in minor units of `currency`; per licensed user when `pricingModel` is `per_seat`. */
export class ModuleDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'crm', description: 'Unique lowercase slug; immutable' }) code: string;
  @ApiProperty({ example: 'CRM' }) name: string;
  @ApiProperty({ type: String, nullable: true, example: 'Contacts, deals and pipelines' }) description: string | null;
  @ApiProperty({ enum: PRICING_MODELS, enumName: 'PricingModel', example: 'flat', description: '`flat`: one price per subscription; `per_seat`: the price is per licensed user' })
  pricingModel: PricingModel;
  @ApiProperty({ type: 'integer', example: 2900, description: 'Monthly price in minor units (cents)' }) monthlyPriceCents: number;
  @ApiProperty({ type: 'integer', example: 29000, description: 'Annual price in minor units (cents)' }) annualPriceCents: number;
  @ApiProperty({ example: 'USD', description: 'ISO 4217' }) currency: string;
  @ApiProperty({ type: 'integer', example: 14, description: 'Free trial length in days; 0 = no trial' }) trialDays: number;
  @ApiProperty({ description: 'false: existing subscribers keep it; nobody can newly subscribe' }) isActive: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

/** Body of POST /admin/modules; `code` is unique (409 module_code_taken) and immutable. */
export class CreateModuleDto {
  @ApiProperty({ example: 'crm', description: 'Unique lowercase slug; immutable' })
  @IsString() @Matches(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, { message: 'code must be a lowercase slug (letters, digits, hyphens; 1–63 chars)' })
  code: string;
  @ApiProperty({ example: 'CRM' }) @IsString() @MinLength(1) @MaxLength(100) name: string;
  @ApiPropertyOptional({ type: String, nullable: true }) @IsOptional() @IsString() @MaxLength(2000) description?: string | null;
  @ApiPropertyOptional({ enum: PRICING_MODELS, enumName: 'PricingModel', default: 'flat' }) @IsOptional() @IsIn(PRICING_MODELS) pricingModel?: PricingModel;
  @ApiProperty({ type: 'integer', example: 2900, minimum: 0, maximum: MAX_PRICE_CENTS }) @IsInt() @Min(0) @Max(MAX_PRICE_CENTS) monthlyPriceCents: number;
  @ApiProperty({ type: 'integer', example: 29000, minimum: 0, maximum: MAX_PRICE_CENTS }) @IsInt() @Min(0) @Max(MAX_PRICE_CENTS) annualPriceCents: number;
  @ApiProperty({ example: 'USD' })
  @Transform(({ value }) => (typeof value === 'string' ? value.toUpperCase() : value))
  @IsCurrencyCode()
  currency: string;
  @ApiPropertyOptional({ type: 'integer', default: 14, minimum: 0, maximum: MAX_TRIAL_DAYS, description: 'Free trial length in days; 0 = no trial' })
  @IsOptional() @IsInt() @Min(0) @Max(MAX_TRIAL_DAYS)
  trialDays?: number;
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() isActive?: boolean;
}

/** Everything but `code` (immutable; sending it is a 400). A price change applies to new subscriptions only (existing ones keep their captured price). */
export class UpdateModuleDto extends PartialType(OmitType(CreateModuleDto, ['code'] as const)) {}

/** Filter and paging of GET /admin/modules. */
export class ModuleListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only active (true) or inactive (false) modules' })
  @IsOptional() @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value)) @IsBoolean()
  isActive?: boolean;
}
