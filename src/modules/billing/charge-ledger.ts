import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { TenantScopedRepository } from '../../database/tenant-scoped.repository';
import { PendingInvoiceItem } from './entities/pending-invoice-item.entity';
import { Subscription } from './entities/subscription.entity';
import { ChargeLine } from './proration';
import type { BillingReason } from './entities/invoice.entity';
import { InvoicesService, InvoiceWithLines } from './invoicing/invoices.service';
import { PaymentCollectionService } from './collection/payment-collection.service';

/**
 * The ledger of pending invoice items the billing rules write, in the caller's transaction, and
 * the moment they are billed: {@link invoiceNow} when a subscription starts, renews or is charged
 * mid-period (billing in advance, Stripe's `always_invoice` for upgrades); a credit stays pending.
 */
@Injectable()
export class ChargeLedger {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly invoices: InvoicesService,
    private readonly collection: PaymentCollectionService,
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

  /** Records `lines` of `sub` as pending invoice items (a line of 0 is kept out). */
  async record(sub: Subscription, lines: ChargeLine[], sourceAction: string): Promise<void> {
    const kept = lines.filter((l) => l.amountCents !== 0);
    if (!kept.length) return;
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
      })),
    );
  }
}
