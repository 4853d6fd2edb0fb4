import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { TenantOwned } from '../../../database/tenant-scoped.repository';
import { bigintNumber } from '../../../database/transformers';

/** Invoice statuses (Stripe's): draft → open → paid | void | uncollectible; uncollectible → paid | void. */
export const INVOICE_STATUSES = ['draft', 'open', 'paid', 'void', 'uncollectible'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

/** Why an invoice was created (Stripe's `billing_reason`). */
export const BILLING_REASONS = ['subscription_create', 'subscription_cycle', 'subscription_update', 'manual'] as const;
export type BillingReason = (typeof BILLING_REASONS)[number];

/** Who is billed, copied onto the invoice when it is created (a later profile change does not rewrite it). */
export interface BilledTo {
  name: string;
  email: string;
  phone: string | null;
  locale: string;
}

/**
 * A tenant's invoice. Amounts in minor units of `currency`: subtotal = Σ lines, total = subtotal −
 * discount + tax, amountDue = total − amountPaid. A draft has no number; finalizing assigns the
 * next number of the year (`INV-2026-000123`, gapless) and freezes the amounts and lines (a
 * database trigger refuses later changes: corrections go through credit notes).
 */
@TenantOwned()
@Entity({ name: 'invoices' })
@Index('ux_invoices_number', ['number'], { unique: true, where: 'number IS NOT NULL' })
@Index('ix_invoices_tenant', ['tenantId', 'createdAt'])
@Index('ix_invoices_status_due', ['status', 'dueAt'])
@Check('ck_invoices_status', `status IN ('draft', 'open', 'paid', 'void', 'uncollectible')`)
@Check('ck_invoices_total', `total_cents = subtotal_cents - discount_cents + tax_cents`)
@Check('ck_invoices_paid', `amount_paid_cents >= 0 AND amount_due_cents >= 0`)
@Check('ck_invoices_numbered', `(status = 'draft') = (number IS NULL) OR status = 'void'`)
export class Invoice {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @Column({ type: 'text', nullable: true }) number: string | null;
  @Column({ type: 'text' }) status: InvoiceStatus;
  @Column({ type: 'text' }) billingReason: BillingReason;
  @Column({ type: 'char', length: 3 }) currency: string;
  @Column({ type: 'bigint', transformer: bigintNumber }) subtotalCents: number;
  @Column({ type: 'bigint', transformer: bigintNumber }) discountCents: number;
  @Column({ type: 'bigint', transformer: bigintNumber }) taxCents: number;
  /** What the tax calculator said about the tax (stated on the invoice and its PDF). */
  @Column({ type: 'text' }) taxNote: string;
  @Column({ type: 'bigint', transformer: bigintNumber }) totalCents: number;
  @Column({ type: 'bigint', transformer: bigintNumber }) amountPaidCents: number;
  @Column({ type: 'bigint', transformer: bigintNumber }) amountDueCents: number;
  /** The tenant's credit balance applied when the invoice was finalized (reduces the amount due). */
  @Column({ type: 'bigint', transformer: bigintNumber, default: 0 }) appliedBalanceCents: number;
  /** Sum of the credit notes issued against the invoice (refunds, amount-due reductions, credit to the balance). */
  @Column({ type: 'bigint', transformer: bigintNumber, default: 0 }) creditedCents: number;
  /** Payment terms: days from finalization to the due date (0 = due on receipt). */
  @Column({ type: 'int' }) netDays: number;
  @Column({ type: 'jsonb' }) billedTo: BilledTo;
  @Column({ type: 'text', nullable: true }) memo: string | null;
  /** When it was finalized (its issue date). */
  @Column({ type: 'timestamptz', nullable: true }) finalizedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) dueAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) paidAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) voidedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) markedUncollectibleAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
