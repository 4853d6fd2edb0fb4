import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { TenantScopedRepository } from '../../database/tenant-scoped.repository';
import { PendingInvoiceItem } from './entities/pending-invoice-item.entity';
import { Subscription } from './entities/subscription.entity';
import { ChargeLine } from './proration';

/** The ledger of pending invoice items the billing rules write, in the caller's transaction. */
@Injectable()
export class ChargeLedger {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

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
