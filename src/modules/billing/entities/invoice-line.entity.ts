import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { TenantOwned } from '../../../database/tenant-scoped.repository';
import { bigintNumber } from '../../../database/transformers';
import type { LineKind } from './pending-invoice-item.entity';

/**
 * A line of an invoice, in the order it is shown (`position`). Amounts in minor units of the
 * invoice's currency; a credit is negative. `pendingItemId` names the pending invoice item it
 * came from (none for a manual line). A `discount` line (negative, naming `couponId`) is counted
 * in the invoice's `discountCents`, not its subtotal.
 */
@TenantOwned()
@Entity({ name: 'invoice_lines' })
@Index('ix_invoice_lines_invoice', ['invoiceId', 'position'])
@Check('ck_invoice_lines_kind', `kind IN ('charge', 'discount') AND (kind = 'discount') = (coupon_id IS NOT NULL)`)
export class InvoiceLine {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @Column({ type: 'uuid' }) invoiceId: string;
  @Column({ type: 'int' }) position: number;
  @Column({ type: 'text' }) description: string;
  @Column({ type: 'int' }) quantity: number;
  @Column({ type: 'bigint', transformer: bigintNumber }) unitAmountCents: number;
  @Column({ type: 'bigint', transformer: bigintNumber }) amountCents: number;
  @Column({ type: 'timestamptz', nullable: true }) periodStart: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) periodEnd: Date | null;
  @Column({ type: 'boolean', default: false }) proration: boolean;
  @Column({ type: 'uuid', nullable: true }) subscriptionId: string | null;
  @Column({ type: 'uuid', nullable: true }) pendingItemId: string | null;
  @Column({ type: 'text', default: 'charge' }) kind: LineKind;
  @Column({ type: 'uuid', nullable: true }) couponId: string | null;
}
