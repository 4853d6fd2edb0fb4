import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import { IsIsoDateTimeInRange, PageQueryDto } from '../../../common/http';
import { MAX_PRICE_CENTS } from '../../plans';
import { OFFLINE_PAYMENT_METHODS, PAYMENT_STATUSES } from '../entities/payment.entity';

/** Why a payment was made. */
export const PAYMENT_TRIGGERS = ['automatic', 'retry', 'staff', 'tenant', 'offline'] as const;

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
  @ApiProperty({ type: String, nullable: true, example: 'generic_decline', description: "The card issuer's reason of a decline (failureCode card_declined)" }) declineCode: string | null;
  @ApiProperty({ type: String, nullable: true }) failureMessage: string | null;
  @ApiProperty({ enum: PAYMENT_TRIGGERS, description: 'automatic (at invoicing), retry (dunning), staff or tenant (asked for), offline (recorded by staff)' }) trigger: string;
  @ApiProperty({ type: 'integer', example: 1 }) attempt: number;
  @ApiProperty({ type: 'integer', example: 0 }) refundedCents: number;
  @ApiProperty({ type: String, nullable: true }) note: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) processedAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

/** What staff may do on POST /admin/invoices/:invoiceId/payments: record an offline payment, or charge the card on file. */
export const RECORD_PAYMENT_METHODS = [...OFFLINE_PAYMENT_METHODS, 'card'] as const;

/** Body of POST /admin/invoices/:invoiceId/payments: an offline payment staff received, or (`card`) a charge of the tenant's method on file. */
export class RecordPaymentDto {
  @ApiProperty({
    enum: RECORD_PAYMENT_METHODS,
    enumName: 'RecordPaymentMethod',
    example: 'bank_transfer',
    description: 'An offline method staff received (recorded as succeeded), or `card`: charge the payment method on file through the gateway (answered `pending`, its outcome follows)',
  })
  @IsIn(RECORD_PAYMENT_METHODS)
  method: (typeof RECORD_PAYMENT_METHODS)[number];
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

/** The tenant's payment method on file (never a card number). */
export class PaymentMethodDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'card' }) type: string;
  @ApiProperty({ example: 'Visa' }) brand: string;
  @ApiProperty({ example: '4242' }) last4: string;
  @ApiProperty({ type: 'integer', example: 12 }) expMonth: number;
  @ApiProperty({ type: 'integer', example: 2034 }) expYear: number;
  @ApiProperty({ example: 'Visa •••• 4242' }) label: string;
  @ApiProperty({ example: 'sandbox' }) gateway: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

/** GET /tenant/billing/payment-method: the method on file, or null. */
export class PaymentMethodViewDto {
  @ApiProperty({ type: PaymentMethodDto, nullable: true }) paymentMethod: PaymentMethodDto | null;
  @ApiProperty({ example: 'sandbox', description: 'The platform\'s payment gateway; `manual`: payments are collected offline and no method can be stored' }) gateway: string;
}

/** Body of PUT /tenant/billing/payment-method. */
export class SetPaymentMethodDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 255,
    example: 'pm_card_ok',
    description: 'The token of the gateway\'s client-side tokenization. Sandbox test methods: pm_card_ok (Visa 4242), pm_card_mastercard, pm_card_declined, pm_insufficient_funds, pm_card_expired',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  token: string;
}
