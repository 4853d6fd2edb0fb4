import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { IsIsoDateTimeInRange, PageQueryDto } from '../../../common/http';
import { MAX_PRICE_CENTS } from '../../plans';
import { BILLING_REASONS, INVOICE_STATUSES } from '../entities/invoice.entity';
import { LINE_KINDS } from '../entities/pending-invoice-item.entity';

/** Who is billed, as copied onto the invoice. */
export class BilledToDto {
  @ApiProperty({ example: 'Acme Corporation' }) name: string;
  @ApiProperty({ example: 'billing@acme.example' }) email: string;
  @ApiProperty({ type: String, nullable: true }) phone: string | null;
  @ApiProperty({ example: 'en-US', description: 'Locale the PDF formats amounts and dates in' }) locale: string;
}

/** A line of an invoice. Amounts in minor units; a credit is negative. */
export class InvoiceLineDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'seats (monthly)' }) description: string;
  @ApiProperty({ type: 'integer', example: 10 }) quantity: number;
  @ApiProperty({ type: 'integer', example: 1500 }) unitAmountCents: number;
  @ApiProperty({ type: 'integer', example: 15000 }) amountCents: number;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) periodStart: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) periodEnd: string | null;
  @ApiProperty({ description: 'A prorated charge or credit' }) proration: boolean;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) subscriptionId: string | null;
  @ApiProperty({ enum: LINE_KINDS, enumName: 'InvoiceLineKind', description: 'charge (a charge or credit, in the subtotal) or discount (a coupon’s, negative, totalled in discountCents)' }) kind: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'The coupon of a discount line' }) couponId: string | null;
}

/**
 * An invoice: amounts in minor units of `currency`; total = subtotal − discount + tax;
 * amountDue = total − appliedBalance − amountPaid − the credit notes that reduced it.
 */
export class InvoiceDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) tenantId: string;
  @ApiProperty({ type: String, nullable: true, example: 'INV-2026-000123', description: 'Given at finalization (sequential per year, no gaps); null on a draft' }) number: string | null;
  @ApiProperty({ enum: INVOICE_STATUSES, enumName: 'InvoiceStatus' }) status: string;
  @ApiProperty({ enum: BILLING_REASONS, enumName: 'BillingReason', description: 'What created it: a subscription starting, a renewal, a mid-period change, or staff by hand' }) billingReason: string;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ type: 'integer', example: 15000, description: 'Sum of the charge lines' }) subtotalCents: number;
  @ApiProperty({ type: 'integer', example: 0, description: 'What coupons take off: minus the sum of the discount lines' }) discountCents: number;
  @ApiProperty({ type: 'integer', example: 0 }) taxCents: number;
  @ApiProperty({ example: 'No tax calculated: no tax engine is configured (prices exclude tax).', description: 'What the tax calculator said, printed on the invoice' }) taxNote: string;
  @ApiProperty({ type: 'integer', example: 15000 }) totalCents: number;
  @ApiProperty({ type: 'integer', example: 0 }) amountPaidCents: number;
  @ApiProperty({ type: 'integer', example: 15000 }) amountDueCents: number;
  @ApiProperty({ type: 'integer', example: 0, description: 'The tenant\'s credit balance applied at finalization' }) appliedBalanceCents: number;
  @ApiProperty({ type: 'integer', example: 0, description: 'Sum of the credit notes issued against it (GET /admin/credit-notes?invoiceId=…)' }) creditedCents: number;
  @ApiProperty({ type: 'integer', example: 0, description: 'Payment terms in days from finalization (0 = due on receipt)' }) netDays: number;
  @ApiProperty({ type: BilledToDto }) billedTo: BilledToDto;
  @ApiProperty({ type: String, nullable: true }) memo: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'Issue date' }) finalizedAt: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) dueAt: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) paidAt: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) voidedAt: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) markedUncollectibleAt: string | null;
  @ApiProperty({ description: 'Open (or uncollectible) with an amount due after its due date' }) overdue: boolean;
  @ApiProperty({ type: [InvoiceLineDto] }) lines: InvoiceLineDto[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

/** A line of a manual invoice. */
export class ManualInvoiceLineDto {
  @ApiProperty({ example: 'Onboarding workshop (2 days)', maxLength: 500 }) @IsString() @MinLength(1) @MaxLength(500) description: string;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 100000, example: 1 }) @IsInt() @Min(1) @Max(100000) quantity: number;
  @ApiProperty({ type: 'integer', minimum: -MAX_PRICE_CENTS, maximum: MAX_PRICE_CENTS, example: 120000, description: 'Minor units; negative for a credit line' })
  @IsInt() @Min(-MAX_PRICE_CENTS) @Max(MAX_PRICE_CENTS)
  unitAmountCents: number;
}

/** Body of POST /admin/invoices: a manual invoice (a draft unless `finalize`). */
export class CreateInvoiceDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all', { message: 'tenantId must be a UUID' }) tenantId: string;
  @ApiPropertyOptional({ example: 'USD', description: 'ISO 4217; default: the tenant’s currency' }) @IsOptional() @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code (3 capital letters)' }) currency?: string;
  @ApiProperty({ type: [ManualInvoiceLineDto], minItems: 1, maxItems: 100 }) @ValidateNested({ each: true }) @Type(() => ManualInvoiceLineDto) @ArrayMinSize(1) @ArrayMaxSize(100) lines: ManualInvoiceLineDto[];
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 365, default: 0, description: 'Payment terms: due this many days after finalization' }) @IsOptional() @IsInt() @Min(0) @Max(365) netDays?: number;
  @ApiPropertyOptional({ maxLength: 1000 }) @IsOptional() @IsString() @MaxLength(1000) memo?: string;
  @ApiPropertyOptional({ default: false, description: 'Finalize at once (give it its number; it cannot change afterwards)' }) @IsOptional() @IsBoolean() finalize?: boolean;
}

/** Filters of GET /admin/invoices (newest first). */
export class InvoiceListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all', { message: 'tenantId must be a UUID' }) tenantId?: string;
  @ApiPropertyOptional({ enum: INVOICE_STATUSES, enumName: 'InvoiceStatus' }) @IsOptional() @IsIn(INVOICE_STATUSES) status?: (typeof INVOICE_STATUSES)[number];
  @ApiPropertyOptional({ example: 'INV-2026-000123', description: 'Exact invoice number' }) @IsOptional() @Matches(/^[A-Z]{2,3}-\d{4}-\d{6,}$/, { message: 'number must be an invoice number such as INV-2026-000123' }) number?: string;
  @IsIsoDateTimeInRange({ optional: true, description: 'Created at or after' }) from?: Date;
  @IsIsoDateTimeInRange({ optional: true, description: 'Created before' }) to?: Date;
  @ApiPropertyOptional({ description: 'Only open or uncollectible invoices past their due date (true) or not (false)' })
  @IsOptional() @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value)) @IsBoolean()
  overdue?: boolean;
}

/** Filters of the tenant's own invoices. */
export class TenantInvoiceListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: INVOICE_STATUSES, enumName: 'InvoiceStatus' }) @IsOptional() @IsIn(INVOICE_STATUSES) status?: (typeof INVOICE_STATUSES)[number];
}
