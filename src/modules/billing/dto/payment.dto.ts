import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import { IsIsoDateTimeInRange, PageQueryDto } from '../../../common/http';
import { MAX_PRICE_CENTS } from '../../plans';
import { OFFLINE_PAYMENT_METHODS, PAYMENT_STATUSES } from '../entities/payment.entity';

/** A payment towards an invoice. Amounts in minor units of `currency`. */
export class PaymentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) tenantId: string;
  @ApiProperty({ format: 'uuid' }) invoiceId: string;
  @ApiProperty({ type: String, nullable: true, example: 'INV-2027-000123' }) invoiceNumber: string | null;
  @ApiProperty({ type: 'integer', example: 22500 }) amountCents: number;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ enum: PAYMENT_STATUSES, enumName: 'PaymentStatus' }) status: string;
  @ApiProperty({ example: 'bank_transfer', description: 'bank_transfer, cheque, cash, other (offline) or card' }) method: string;
  @ApiProperty({ example: 'Bank transfer' }) methodLabel: string;
  @ApiProperty({ example: 'offline', description: 'offline (recorded by staff), or the payment gateway that charged it' }) gateway: string;
  @ApiProperty({ type: String, nullable: true, example: 'SEPA ref 2027-04-0042' }) reference: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'insufficient_funds' }) failureCode: string | null;
  @ApiProperty({ type: String, nullable: true }) failureMessage: string | null;
  @ApiProperty({ type: 'integer', example: 1 }) attempt: number;
  @ApiProperty({ type: 'integer', example: 0 }) refundedCents: number;
  @ApiProperty({ type: String, nullable: true }) note: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) processedAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

/** Body of POST /admin/invoices/:invoiceId/payments: an offline payment staff received. */
export class RecordPaymentDto {
  @ApiProperty({ enum: OFFLINE_PAYMENT_METHODS, enumName: 'OfflinePaymentMethod', example: 'bank_transfer' }) @IsIn(OFFLINE_PAYMENT_METHODS) method: (typeof OFFLINE_PAYMENT_METHODS)[number];
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PRICE_CENTS, description: 'Minor units; default: the amount due. Never more than the amount due.' })
  @IsOptional() @IsInt() @Min(1) @Max(MAX_PRICE_CENTS)
  amountCents?: number;
  @ApiPropertyOptional({ maxLength: 200, example: 'SEPA ref 2027-04-0042', description: 'What the payer quoted (bank reference, cheque number)' }) @IsOptional() @IsString() @MinLength(1) @MaxLength(200) reference?: string;
  @IsIsoDateTimeInRange({ optional: true, description: 'When the money arrived (default: now)' }) receivedAt?: Date;
  @ApiPropertyOptional({ maxLength: 1000 }) @IsOptional() @IsString() @MaxLength(1000) note?: string;
}

/** Filters of GET /admin/payments (newest first); `status=failed` is the failed-payments list. */
export class PaymentListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all', { message: 'tenantId must be a UUID' }) tenantId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all', { message: 'invoiceId must be a UUID' }) invoiceId?: string;
  @ApiPropertyOptional({ enum: PAYMENT_STATUSES, enumName: 'PaymentStatus' }) @IsOptional() @IsIn(PAYMENT_STATUSES) status?: (typeof PAYMENT_STATUSES)[number];
  @IsIsoDateTimeInRange({ optional: true, description: 'Created at or after' }) from?: Date;
  @IsIsoDateTimeInRange({ optional: true, description: 'Created before' }) to?: Date;
}
