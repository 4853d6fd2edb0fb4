import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { TenantOwned } from '../../../database/tenant-scoped.repository';
import { bigintNumber } from '../../../database/transformers';

/** Payment statuses: a charge in flight is `pending` until the gateway answers. */
export const PAYMENT_STATUSES = ['pending', 'succeeded', 'failed', 'refunded', 'partially_refunded'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** How staff received an offline payment (recorded by hand, nothing is charged). */
export const OFFLINE_PAYMENT_METHODS = ['bank_transfer', 'cheque', 'cash', 'other'] as const;
export type OfflinePaymentMethod = (typeof OFFLINE_PAYMENT_METHODS)[number];

/**
 * A payment towards an invoice, in minor units of the invoice's currency. An offline payment is
 * recorded by staff (`gateway` offline, `methodLabel` e.g. "Bank transfer"); `reference` is what
 * the payer quoted or the gateway's charge id. `refundedCents` is what has been refunded of it.
 */
@TenantOwned()
@Entity({ name: 'payments' })
@Index('ix_payments_tenant', ['tenantId', 'createdAt'])
@Index('ix_payments_status', ['status', 'createdAt'])
@Index('ix_payments_invoice', ['invoiceId'])
@Index('ux_payments_pending_per_invoice', ['invoiceId'], { unique: true, where: `status = 'pending'` })
export class Payment {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @Column({ type: 'uuid' }) invoiceId: string;
  @Column({ type: 'bigint', transformer: bigintNumber }) amountCents: number;
  @Column({ type: 'char', length: 3 }) currency: string;
  @Column({ type: 'text' }) status: PaymentStatus;
  @Column({ type: 'text' }) method: string;
  @Column({ type: 'text' }) methodLabel: string;
  @Column({ type: 'text' }) gateway: string;
  @Column({ type: 'text', nullable: true }) reference: string | null;
  @Column({ type: 'text', nullable: true }) failureCode: string | null;
  @Column({ type: 'text', nullable: true }) failureMessage: string | null;
  @Column({ type: 'int', default: 1 }) attempt: number;
  /** The stored method charged (a gateway charge), else null. */
  @Column({ type: 'uuid', nullable: true }) paymentMethodId: string | null;
  /** The idempotency key sent to the gateway for this charge: a retried call can never charge twice. */
  @Column({ type: 'text', nullable: true, unique: true }) gatewayIdempotencyKey: string | null;
  /** Why the charge was made: renewal (automatic), retry (dunning), staff, tenant, offline. */
  @Column({ type: 'text', default: 'offline' }) trigger: string;
  /** The issuer's decline reason of a failed card charge (generic_decline, insufficient_funds, …). */
  @Column({ type: 'text', nullable: true }) declineCode: string | null;
  @Column({ type: 'bigint', transformer: bigintNumber, default: 0 }) refundedCents: number;
  @Column({ type: 'text', nullable: true }) note: string | null;
  /** When the money was received (offline) or the gateway answered. */
  @Column({ type: 'timestamptz', nullable: true }) processedAt: Date | null;
  /** The staff member who recorded it (offline), or null (a charge). */
  @Column({ type: 'uuid', nullable: true }) recordedBy: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
