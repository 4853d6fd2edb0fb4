import { Check, Column, CreateDateColumn, Entity, Generated, Index, PrimaryGeneratedColumn } from 'typeorm';
import { TenantOwned } from '../../../database/tenant-scoped.repository';
import { bigintNumber } from '../../../database/transformers';

/** What a ledger or invoice line is: a charge (or credit) or a coupon's discount. */
export const LINE_KINDS = ['charge', 'discount'] as const;
export type LineKind = (typeof LINE_KINDS)[number];

/**
 * A charge or credit waiting for the tenant's next invoice (Stripe's pending invoice item): the
 * ledger the billing rules write (a renewal, a conversion from trial, a proration) and invoicing
 * turns into invoice lines. Amounts in minor units of `currency`; a credit is negative.
 * `sourceAction` names what produced it (e.g. `licenses.add`, `trial.convert`, `renewal`).
 * `kind` is `charge` (a charge or credit) or `discount` (what a coupon takes off the charges of
 * the same recording, negative, naming `couponId`): invoicing totals discounts apart.
 * `seq` is the recording order (items of one transaction share `createdAt`; a credit is recorded
 * before its charge and an invoice lists its lines in this order).
 */
@TenantOwned()
@Entity({ name: 'pending_invoice_items' })
@Index('ix_pending_invoice_items_tenant', ['tenantId', 'seq'])
@Check('ck_pending_invoice_items_kind', `kind IN ('charge', 'discount') AND (kind = 'discount') = (coupon_id IS NOT NULL)`)
export class PendingInvoiceItem {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'bigint', transformer: bigintNumber, insert: false, update: false })
  @Generated('increment')
  seq: number;
  @Column({ type: 'uuid' }) tenantId: string;
  @Column({ type: 'uuid' }) subscriptionId: string;
  @Column({ type: 'text' }) description: string;
  @Column({ type: 'int' }) quantity: number;
  @Column({ type: 'bigint', transformer: bigintNumber }) unitAmountCents: number;
  @Column({ type: 'bigint', transformer: bigintNumber }) amountCents: number;
  @Column({ type: 'char', length: 3 }) currency: string;
  @Column({ type: 'timestamptz' }) periodStart: Date;
  @Column({ type: 'timestamptz' }) periodEnd: Date;
  @Column({ type: 'boolean' }) proration: boolean;
  @Column({ type: 'text' }) sourceAction: string;
  @Column({ type: 'text', default: 'charge' }) kind: LineKind;
  /** The coupon of a discount item. */
  @Column({ type: 'uuid', nullable: true }) couponId: string | null;
  /** Set when an invoice takes the item (the invoicing context). */
  @Column({ type: 'uuid', nullable: true }) invoiceId: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
