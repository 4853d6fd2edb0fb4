import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import { PageQueryDto } from '../../../common/http';
import { DUNNING_STATUSES } from '../entities/dunning.entity';

/** The dunning policy: when a failed invoice is retried and when the policy acts. */
export class DunningPolicyDto {
  @ApiProperty({ type: [Number], example: [1, 3, 5, 7], description: 'Retries, in days after the first failed charge (ascending)' }) retryDays: number[];
  @ApiProperty({ type: 'integer', example: 3, description: 'Days after the last failed retry before the policy acts (module off; plan: tenant suspended)' }) graceDays: number;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'Null: the defaults, never changed' }) updatedAt: string | null;
}

/** Body of PUT /admin/billing/dunning-policy. */
export class UpdateDunningPolicyDto {
  @ApiProperty({ type: [Number], example: [1, 3, 5, 7], minItems: 0, maxItems: 10, description: 'Days after the first failure (1–60 each); empty: no retry, the policy acts after graceDays' })
  @ArrayMinSize(0)
  @ArrayMaxSize(10)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(60, { each: true })
  retryDays: number[];
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 60, example: 3 }) @IsInt() @Min(0) @Max(60) graceDays: number;
}

/** One invoice in dunning. */
export class DunningCaseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) tenantId: string;
  @ApiProperty({ format: 'uuid' }) invoiceId: string;
  @ApiProperty({ type: String, nullable: true, example: 'INV-2027-000123' }) invoiceNumber: string | null;
  @ApiProperty({ enum: DUNNING_STATUSES, enumName: 'DunningStatus', description: 'retrying → recovered (paid) | exhausted (no retry left) → enforced; closed (voided)' }) status: string;
  @ApiProperty({ format: 'date-time', description: 'The first failed collection' }) startedAt: string;
  @ApiProperty({ type: 'integer' }) retries: number;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) nextRetryAt: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'card_declined' }) lastFailureCode: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'When the policy acts (last failed retry + grace days)' }) enforceAt: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) enforcedAt: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) resolvedAt: string | null;
}

/** Filters of GET /admin/billing/dunning-cases. */
export class DunningCaseListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: DUNNING_STATUSES, enumName: 'DunningStatus' }) @IsOptional() @IsIn(DUNNING_STATUSES) status?: (typeof DUNNING_STATUSES)[number];
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all', { message: 'tenantId must be a UUID' }) tenantId?: string;
}

/** Body of PUT /admin/tenants/:tenantId/billing/enforcement. */
export class SetEnforcementDto {
  @ApiProperty({ description: 'true: exempt the tenant from dunning enforcement; false: enforce again (exhausted invoices are acted on at the next run)' }) @IsBoolean() paused: boolean;
  @ApiProperty({ minLength: 3, maxLength: 500, example: 'Paying by purchase order; finance confirmed' }) @IsString() @MinLength(3) @MaxLength(500) reason: string;
}

/** A tenant's collection settings. */
export class BillingEnforcementDto {
  @ApiProperty({ format: 'uuid' }) tenantId: string;
  @ApiProperty() enforcementPaused: boolean;
  @ApiProperty({ type: String, nullable: true }) reason: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) pausedAt: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) pausedBy: string | null;
}
