import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { TenantOwned } from '../../../database/tenant-scoped.repository';
import { bigintNumber } from '../../../database/transformers';
import type { BilledTo } from './invoice.entity';

/** Why a credit note was issued (Stripe's credit note reasons, plus goodwill and refund). */
export const CREDIT_NOTE_REASONS = ['refund', 'goodwill', 'duplicate', 'fraudulent', 'order_change', 'product_unsatisfactory'] as const;
export type CreditNoteReason = (typeof CREDIT_NOTE_REASONS)[number];

/**
 * Where a credit note's amount went: `refund` (money returned on a payment), `amount_due` (it
 * reduced what is due on an open invoice), `credit_balance` (the tenant's credit, applied to its
 * next invoices).
 */
export const CREDIT_NOTE_KINDS = ['refund', 'amount_due', 'credit_balance'] as const;
export type CreditNoteKind = (typeof CREDIT_NOTE_KINDS)[number];

/**
 * A credit note (CN-YYYY-NNNNNN, gapless per year): the correction of a finalized invoice, which
 * itself never changes. Amount in minor units of the invoice's currency, positive. Issued once and
 * never edited.
 */
@TenantOwned()
@Entity({ name: 'credit_notes' })
@Index('ux_credit_notes_number', ['number'], { unique: true })
@Index('ix_credit_notes_invoice', ['invoiceId'])
@Index('ix_credit_notes_tenant', ['tenantId', 'issuedAt'])
@Check('ck_credit_notes_amount', `amount_cents > 0`)
export class CreditNote {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @Column({ type: 'uuid' }) invoiceId: string;
  @Column({ type: 'text' }) number: string;
  @Column({ type: 'text' }) invoiceNumber: string;
  @Column({ type: 'text' }) kind: CreditNoteKind;
  @Column({ type: 'text' }) reason: CreditNoteReason;
  @Column({ type: 'bigint', transformer: bigintNumber }) amountCents: number;
  @Column({ type: 'char', length: 3 }) currency: string;
  @Column({ type: 'text', nullable: true }) memo: string | null;
  @Column({ type: 'uuid', nullable: true }) refundId: string | null;
  /** Who is credited, as on the invoice. */
  @Column({ type: 'jsonb' }) billedTo: BilledTo;
  @Column({ type: 'timestamptz' }) issuedAt: Date;
  @Column({ type: 'uuid', nullable: true }) createdBy: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

/**
 * A movement of a tenant's credit balance, in minor units of `currency`: + a credit note put on the
 * balance, − balance applied to an invoice at its finalization. The balance is the sum.
 */
@TenantOwned()
@Entity({ name: 'credit_balance_transactions' })
@Index('ix_credit_balance_tenant', ['tenantId', 'currency', 'createdAt'])
@Check('ck_credit_balance_kind', `kind IN ('credit_note', 'applied_to_invoice')`)
export class CreditBalanceTransaction {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @Column({ type: 'char', length: 3 }) currency: string;
  @Column({ type: 'bigint', transformer: bigintNumber }) amountCents: number;
  @Column({ type: 'text' }) kind: 'credit_note' | 'applied_to_invoice';
  @Column({ type: 'uuid', nullable: true }) creditNoteId: string | null;
  @Column({ type: 'uuid', nullable: true }) invoiceId: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
