import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { TenantOwned } from '../../../database/tenant-scoped.repository';
import { bigintNumber } from '../../../database/transformers';

/** Why money was returned (Stripe's refund reasons, plus service_issue). */
export const REFUND_REASONS = ['requested_by_customer', 'duplicate', 'fraudulent', 'service_issue'] as const;
export type RefundReason = (typeof REFUND_REASONS)[number];

/** Refund statuses: a gateway refund is `pending` until the gateway answers. */
export const REFUND_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

/**
 * Money returned on a payment (all or part of it), in minor units of the payment's currency. A
 * card payment is refunded through the gateway after commit (`gatewayIdempotencyKey`); an offline
 * payment's refund is recorded by staff (returned by bank transfer). A succeeded refund has its
 * credit note.
 */
@TenantOwned()
@Entity({ name: 'refunds' })
@Index('ix_refunds_payment', ['paymentId'])
@Check('ck_refunds_amount', `amount_cents > 0`)
export class Refund {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @Column({ type: 'uuid' }) paymentId: string;
  @Column({ type: 'uuid' }) invoiceId: string;
  @Column({ type: 'bigint', transformer: bigintNumber }) amountCents: number;
  @Column({ type: 'char', length: 3 }) currency: string;
  @Column({ type: 'text' }) reason: RefundReason;
  @Column({ type: 'text', nullable: true }) memo: string | null;
  @Column({ type: 'text' }) status: RefundStatus;
  @Column({ type: 'text' }) gateway: string;
  @Column({ type: 'text', nullable: true, unique: true }) gatewayIdempotencyKey: string | null;
  @Column({ type: 'text', nullable: true }) reference: string | null;
  @Column({ type: 'text', nullable: true }) failureCode: string | null;
  @Column({ type: 'text', nullable: true }) failureMessage: string | null;
  @Column({ type: 'uuid', nullable: true }) creditNoteId: string | null;
  @Column({ type: 'uuid', nullable: true }) requestedBy: string | null;
  @Column({ type: 'timestamptz', nullable: true }) processedAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
