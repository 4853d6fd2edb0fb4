import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import { PageQueryDto } from '../../../common/http';
import { MAX_PRICE_CENTS } from '../../plans';
import { CREDIT_NOTE_KINDS, CREDIT_NOTE_REASONS } from '../entities/credit-note.entity';
import { REFUND_REASONS, REFUND_STATUSES } from '../entities/refund.entity';
import { BilledToDto } from './invoice.dto';

/** A credit note: a correction of a finalized invoice. Amount in minor units, positive. */
export class CreditNoteDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) tenantId: string;
  @ApiProperty({ example: 'CN-2027-000012', description: 'Sequential per year, no gaps' }) number: string;
  @ApiProperty({ format: 'uuid' }) invoiceId: string;
  @ApiProperty({ example: 'INV-2027-000123' }) invoiceNumber: string;
  @ApiProperty({ enum: CREDIT_NOTE_KINDS, enumName: 'CreditNoteKind', description: 'refund: money returned on a payment; amount_due: reduced what is due on an open invoice; credit_balance: credit applied to the next invoices' })
  kind: string;
  @ApiProperty({ enum: CREDIT_NOTE_REASONS, enumName: 'CreditNoteReason' }) reason: string;
  @ApiProperty({ type: 'integer', example: 5000 }) amountCents: number;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ type: String, nullable: true }) memo: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) refundId: string | null;
  @ApiProperty({ type: BilledToDto }) billedTo: BilledToDto;
  @ApiProperty({ format: 'date-time' }) issuedAt: string;
}

/** Body of POST /admin/invoices/:invoiceId/credit-notes: a goodwill credit or a correction. */
export class CreateCreditNoteDto {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_PRICE_CENTS, example: 2500, description: 'Minor units. On an open invoice it reduces the amount due (never more than due); on a paid one it goes to the tenant\'s credit balance (never more than the invoice\'s total not yet credited)' })
  @IsInt()
  @Min(1)
  @Max(MAX_PRICE_CENTS)
  amountCents: number;
  @ApiProperty({ enum: CREDIT_NOTE_REASONS.filter((r) => r !== 'refund'), enumName: 'CreditNoteCreateReason', example: 'goodwill' })
  @IsIn(CREDIT_NOTE_REASONS.filter((r) => r !== 'refund'))
  reason: Exclude<(typeof CREDIT_NOTE_REASONS)[number], 'refund'>;
  @ApiPropertyOptional({ maxLength: 1000, example: 'Outage on 3 March' }) @IsOptional() @IsString() @MinLength(1) @MaxLength(1000) memo?: string;
}

/** Filters of the credit note lists (newest first). */
export class CreditNoteListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all', { message: 'tenantId must be a UUID' }) tenantId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all', { message: 'invoiceId must be a UUID' }) invoiceId?: string;
}

/** A refund: money returned on a payment. Amount in minor units. */
export class RefundDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) tenantId: string;
  @ApiProperty({ format: 'uuid' }) paymentId: string;
  @ApiProperty({ format: 'uuid' }) invoiceId: string;
  @ApiProperty({ type: 'integer', example: 5000 }) amountCents: number;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ enum: REFUND_REASONS, enumName: 'RefundReason' }) reason: string;
  @ApiProperty({ type: String, nullable: true }) memo: string | null;
  @ApiProperty({ enum: REFUND_STATUSES, enumName: 'RefundStatus', description: 'pending while the gateway answers (a card payment); an offline payment\'s refund is recorded succeeded' }) status: string;
  @ApiProperty({ example: 'sandbox', description: 'The gateway that returned it, or offline' }) gateway: string;
  @ApiProperty({ type: String, nullable: true, example: 're_sandbox_…' }) reference: string | null;
  @ApiProperty({ type: String, nullable: true }) failureCode: string | null;
  @ApiProperty({ type: String, nullable: true }) failureMessage: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'The credit note recording it (once succeeded)' }) creditNoteId: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'CN-2027-000012' }) creditNoteNumber: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) processedAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

/** Body of POST /admin/payments/:paymentId/refunds. */
export class CreateRefundDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PRICE_CENTS, description: 'Minor units; default: all that is left to refund. Never more than what is left' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PRICE_CENTS)
  amountCents?: number;
  @ApiProperty({ enum: REFUND_REASONS, enumName: 'RefundReason', example: 'requested_by_customer' }) @IsIn(REFUND_REASONS) reason: (typeof REFUND_REASONS)[number];
  @ApiPropertyOptional({ maxLength: 1000 }) @IsOptional() @IsString() @MinLength(1) @MaxLength(1000) memo?: string;
  @ApiPropertyOptional({ maxLength: 200, description: 'An offline payment\'s refund: how the money went back (bank reference)' }) @IsOptional() @IsString() @MinLength(1) @MaxLength(200) reference?: string;
}

/** The tenant's credit balance and its movements. */
export class CreditBalanceDto {
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ type: 'integer', example: 2500, description: 'Minor units available for the next invoices' }) amountCents: number;
}

/** GET …/credit-balance: one balance per currency. */
export class CreditBalancesDto {
  @ApiProperty({ type: [CreditBalanceDto] }) balances: CreditBalanceDto[];
}
