import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { In } from 'typeorm';
import { NotFoundError } from '../../../common/errors';
import { TenantDirectory } from '../../../common/tenancy';
import { TenantScopedRepository } from '../../../database/tenant-scoped.repository';
import { Invoice } from '../entities/invoice.entity';
import { Payment } from '../entities/payment.entity';
import { toPaymentDto } from '../invoicing/payments.service';
import { MrrRecorder } from './mrr-recorder';
import { CurrencyAmountDto, InvoiceSummaryDto, TenantBillingSummaryDto } from './revenue.dto';

/** Invoices and payments listed in a summary. */
const LAST = 5;

/**
 * One tenant's billing summary for staff: lifetime value to date (what it paid, less refunds),
 * current MRR, open balance, and its latest invoices and payments. Per currency, minor units.
 */
@Injectable()
export class TenantBillingSummaryService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly directory: TenantDirectory,
    private readonly mrr: MrrRecorder,
  ) {}

  /** @throws NotFoundError `tenant_not_found` */
  async summary(tenantId: string): Promise<TenantBillingSummaryDto> {
    if (!(await this.directory.findById(tenantId))) throw new NotFoundError('Tenant', tenantId);
    const tx = this.txHost.tx;
    const payments = new TenantScopedRepository(tx, Payment, tenantId);
    const invoices = new TenantScopedRepository(tx, Invoice, tenantId);
    const amounts = (rows: { currency: string; amount: string }[]): CurrencyAmountDto[] => rows.map((r) => ({ currency: r.currency, amountCents: Number(r.amount) }));
    const lifetime = await payments
      .queryBuilder('p')
      .select('p.currency', 'currency')
      .addSelect('SUM(p.amount_cents - p.refunded_cents)::text', 'amount')
      .andWhere(`p.status IN ('succeeded', 'partially_refunded', 'refunded')`)
      .groupBy('p.currency')
      .orderBy('p.currency')
      .getRawMany();
    const open = await invoices
      .queryBuilder('i')
      .select('i.currency', 'currency')
      .addSelect('SUM(i.amount_due_cents)::text', 'amount')
      .andWhere(`i.status IN ('open', 'uncollectible')`)
      .groupBy('i.currency')
      .orderBy('i.currency')
      .getRawMany();
    const [invoiceRows, invoiceCount] = await invoices.findAndCount({ order: { createdAt: 'DESC', id: 'DESC' }, take: LAST });
    const [paymentRows, paymentCount] = await payments.findAndCount({ order: { createdAt: 'DESC', id: 'DESC' }, take: LAST });
    const paidInvoices = paymentRows.length ? await invoices.find({ select: { id: true, number: true }, where: { id: In([...new Set(paymentRows.map((p) => p.invoiceId))]) } }) : [];
    const numbers = new Map(paidInvoices.map((i) => [i.id, i.number]));
    const mrr = await this.mrr.currentMrr(tenantId);
    return {
      tenantId,
      lifetimeValue: amounts(lifetime),
      mrr: [...mrr].sort(([a], [b]) => a.localeCompare(b)).map(([currency, amountCents]) => ({ currency, amountCents })),
      openBalance: amounts(open),
      invoiceCount,
      lastInvoices: invoiceRows.map(toInvoiceSummary),
      paymentCount,
      lastPayments: paymentRows.map((p) => toPaymentDto(p, numbers.get(p.invoiceId) ?? null)),
    };
  }
}

function toInvoiceSummary(i: Invoice): InvoiceSummaryDto {
  return {
    id: i.id,
    number: i.number,
    status: i.status,
    currency: i.currency,
    totalCents: i.totalCents,
    amountDueCents: i.amountDueCents,
    finalizedAt: i.finalizedAt?.toISOString() ?? null,
    dueAt: i.dueAt?.toISOString() ?? null,
    createdAt: i.createdAt.toISOString(),
  };
}
