import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { IsNull } from 'typeorm';
import { Clock } from '../../common/time';
import { TenantScopedRepository } from '../../database/tenant-scoped.repository';
import { discountCents, discountDescription } from './coupons/discount';
import { SubscriptionDiscount } from './coupons/subscription-discount.entity';
import { PendingInvoiceItem } from './entities/pending-invoice-item.entity';
import { Subscription } from './entities/subscription.entity';
import { ChargeLine } from './proration';
import type { BillingReason } from './entities/invoice.entity';
import { InvoicesService, InvoiceWithLines } from './invoicing/invoices.service';
import { PaymentCollectionService } from './collection/payment-collection.service';

/** The terms of a live discount the ledger applies (a stored one, or one a preview would redeem). */
export type LedgerDiscount = Pick<SubscriptionDiscount, 'couponId' | 'code' | 'percentOff' | 'amountOffCents' | 'currency'>;

/**
 * The discount line of `lines` (one subscription's charges recorded together) under `discount`, or
 * null when nothing is taken off. Rules (Stripe's coupons): a percentage comes off the positive
 * lines, full-period and prorated alike; an amount off comes off full-period charges only (never
 * more than them) and only in its own currency. Rounded once ({@link discountCents}).
 */
export function discountLineFor(sub: Pick<Subscription, 'currency'>, lines: ChargeLine[], discount: LedgerDiscount | null): ChargeLine | null {
  if (!discount) return null;
  const isAmount = discount.amountOffCents !== null;
  if (isAmount && discount.currency !== sub.currency) return null;
  const base = lines.filter((l) => !l.couponId && l.amountCents > 0 && (!isAmount || !l.proration));
  const off = discountCents(
    base.reduce((sum, l) => sum + l.amountCents, 0),
    { percentOff: discount.percentOff, amountOffCents: discount.amountOffCents },
  );
  if (off === 0) return null;
  const start = Math.min(...base.map((l) => l.period.start.getTime()));
  const end = Math.max(...base.map((l) => l.period.end.getTime()));
  return {
    description: discountDescription(discount.code, discount),
    quantity: 1,
    unitAmountCents: -off,
    amountCents: -off,
    period: { start: new Date(start), end: new Date(end) },
    proration: base.every((l) => l.proration),
    couponId: discount.couponId,
  };
}

/**
 * The ledger of pending invoice items the billing rules write, in the caller's transaction, and
 * the moment they are billed: {@link invoiceNow} when a subscription starts, renews or is charged
 * mid-period (billing in advance, Stripe's `always_invoice` for upgrades); a credit stays pending.
 * A subscription's live discount is applied as it records: see {@link record}.
 */
@Injectable()
export class ChargeLedger {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly invoices: InvoicesService,
    private readonly collection: PaymentCollectionService,
    private readonly clock: Clock,
  ) {}

  /**
   * Invoices the tenant's pending items now (see InvoicesService.invoicePending) and charges the
   * invoices made to the method on file after commit (PaymentCollectionService), in the caller's transaction.
   */
  async invoiceNow(tenantId: string, reason: Exclude<BillingReason, 'manual'>): Promise<InvoiceWithLines[]> {
    const made = await this.invoices.invoicePending(tenantId, reason);
    await this.collection.collectAutomatically(made);
    return made;
  }

  private discounts(tenantId: string) {
    return new TenantScopedRepository(this.txHost.tx, SubscriptionDiscount, tenantId);
  }

  /** The subscription's live (not ended) discount, if any. */
  liveDiscount(sub: Pick<Subscription, 'id' | 'tenantId'>): Promise<SubscriptionDiscount | null> {
    return this.discounts(sub.tenantId).findOne({ subscriptionId: sub.id, endedAt: IsNull() });
  }

  /**
   * `lines` with the discount line `discount` (default: the subscription's live one) would add,
   * as {@link record} would record them; for previews and answers that show the lines.
   */
  async withDiscount(sub: Subscription, lines: ChargeLine[], discount?: LedgerDiscount | null): Promise<ChargeLine[]> {
    const kept = lines.filter((l) => l.amountCents !== 0);
    const line = discountLineFor(sub, kept, discount === undefined ? await this.liveDiscount(sub) : discount);
    return line ? [...kept, line] : kept;
  }

  /**
   * Records `lines` of `sub` as pending invoice items (a line of 0 is kept out), followed by the
   * discount line of the subscription's live discount ({@link discountLineFor}). When the lines
   * charge a full period (a start, renewal or conversion, not a proration), the discount has one
   * period less to run and ends when none is left. Returns the lines recorded.
   */
  async record(sub: Subscription, lines: ChargeLine[], sourceAction: string): Promise<ChargeLine[]> {
    const discount = await this.liveDiscount(sub);
    const kept = await this.withDiscount(sub, lines, discount);
    if (!kept.length) return kept;
    await new TenantScopedRepository(this.txHost.tx, PendingInvoiceItem, sub.tenantId).insert(
      kept.map((l) => ({
        subscriptionId: sub.id,
        description: l.description,
        quantity: l.quantity,
        unitAmountCents: l.unitAmountCents,
        amountCents: l.amountCents,
        currency: sub.currency,
        periodStart: l.period.start,
        periodEnd: l.period.end,
        proration: l.proration,
        sourceAction,
        invoiceId: null,
        kind: l.couponId ? ('discount' as const) : ('charge' as const),
        couponId: l.couponId ?? null,
      })),
    );
    if (discount && discount.periodsRemaining !== null && kept.some((l) => !l.couponId && !l.proration && l.amountCents > 0)) {
      const left = Math.max(0, discount.periodsRemaining - 1);
      await this.discounts(sub.tenantId).update({ id: discount.id }, { periodsRemaining: left, ...(left === 0 ? { endedAt: this.clock.now() } : {}) });
    }
    return kept;
  }
}
