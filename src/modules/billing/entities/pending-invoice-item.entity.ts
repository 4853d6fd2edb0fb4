import { Column, CreateDateColumn, Entity, Generated, Index, PrimaryGeneratedColumn } from 'typeorm';
import { TenantOwned } from '../../../database/tenant-scoped.repository';
import { bigintNumber } from '../../../database/transformers';

/**
 * A charge or credit waiting for the tenant's next invoice (Stripe's pending invoice item): the
 * ledger the billing rules write (a renewal, a conversion from trial, a proration) and invoicing
 * turns into invoice lines. Amounts in minor units of `currency`; a credit is negative.
 * `sourceAction` names what produced it (e.g. `licenses.add`, `trial.convert`, `renewal`).
 * `seq` is the recording order (items of one transaction share `createdAt`; a credit is recorded
 * before its charge and an invoice lists its lines in this order).
 */
@TenantOwned()
@Entity({ name: 'pending_invoice_items' })
@Index('ix_pending_invoice_items_tenant', ['tenantId', 'seq'])
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
  /** Set when an invoice takes the item (the invoicing context). */
  @Column({ type: 'uuid', nullable: true }) invoiceId: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
