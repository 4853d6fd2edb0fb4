import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { EventBus } from '../../../common/events';
import { Clock } from '../../../common/time';
import { TenantScopedRepository } from '../../../database/tenant-scoped.repository';
import { Invoice } from '../entities/invoice.entity';
import { Payment } from '../entities/payment.entity';
import { InvoicePaidEvent } from '../events/invoice.events';
import { PaymentSucceededEvent } from '../events/payment.events';
import { invoiceEventPayload } from '../invoicing/invoices.service';
import { DunningService } from './dunning.service';

/**
 * Applies a succeeded payment to its invoice, in the caller's transaction (one for the payment,
 * the invoice, the dunning recovery, the audit row and the events): the amount paid grows, the
 * amount due shrinks, and paid in full → `paid`, `invoice.paid`, and the subscriptions the invoice
 * held in past_due or suspended are reactivated at once. The invoice must be locked by the caller.
 */
@Injectable()
export class PaymentSettlement {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly events: EventBus,
    private readonly dunning: DunningService,
    private readonly clock: Clock,
  ) {}

  /** Returns the invoice as saved. */
  async applySucceeded(invoice: Invoice, payment: Payment): Promise<Invoice> {
    const now = this.clock.now();
    const due = invoice.amountDueCents - payment.amountCents;
    const saved = (await new TenantScopedRepository(this.txHost.tx, Invoice, invoice.tenantId).updateOne(
      { id: invoice.id },
      { amountPaidCents: invoice.amountPaidCents + payment.amountCents, amountDueCents: due, ...(due === 0 ? { status: 'paid' as const, paidAt: now } : {}) },
    ))!;
    await this.events.publish(
      new PaymentSucceededEvent(invoice.tenantId, {
        paymentId: payment.id,
        invoiceId: invoice.id,
        invoiceNumber: invoice.number,
        amountCents: payment.amountCents,
        currency: payment.currency,
        method: payment.method,
        gateway: payment.gateway,
      }),
    );
    if (due === 0) {
      await this.events.publish(new InvoicePaidEvent(invoice.tenantId, invoiceEventPayload(saved)));
      await this.dunning.resolve(invoice.tenantId, invoice.id, now, 'recovered');
    }
    return saved;
  }
}
