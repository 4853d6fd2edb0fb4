import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { RequestContext } from '../../../common/context';
import { NotFoundError, UnprocessableError, ValidationError } from '../../../common/errors';
import { Page, PageQueryDto, toPage } from '../../../common/http';
import { Clock } from '../../../common/time';
import { TenantScopedRepository } from '../../../database/tenant-scoped.repository';
import { PaymentDto, PaymentListQueryDto, RecordPaymentDto } from '../dto/payment.dto';
import { OfflinePaymentMethod, Payment } from '../entities/payment.entity';
import { assertPayable, PaymentCollectionService } from '../collection/payment-collection.service';
import { PaymentSettlement } from '../collection/payment-settlement';
import { InvoicesService } from './invoices.service';

/** How an offline method is shown. */
const OFFLINE_LABELS: Record<OfflinePaymentMethod, string> = { bank_transfer: 'Bank transfer', cheque: 'Cheque', cash: 'Cash', other: 'Other (offline)' };

/** Maps a payment to its public shape. */
export function toPaymentDto(p: Payment, invoiceNumber: string | null): PaymentDto {
  return {
    id: p.id,
    tenantId: p.tenantId,
    invoiceId: p.invoiceId,
    invoiceNumber,
    amountCents: p.amountCents,
    currency: p.currency,
    status: p.status,
    method: p.method,
    methodLabel: p.methodLabel,
    gateway: p.gateway,
    reference: p.reference,
    failureCode: p.failureCode,
    declineCode: p.declineCode,
    failureMessage: p.failureMessage,
    trigger: p.trigger,
    attempt: p.attempt,
    refundedCents: p.refundedCents,
    note: p.note,
    processedAt: p.processedAt?.toISOString() ?? null,
    createdAt: p.createdAt.toISOString(),
  };
}

/**
 * Payments towards invoices. Staff record offline payments (bank transfer, cheque, cash): one
 * transaction with the invoice's new paid amount, its `paid` status when nothing is left due, the
 * audit row and the events. Never more than the amount due; the request carries an
 * Idempotency-Key, so a retried or double-clicked request records one payment.
 */
@Injectable()
export class PaymentsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly context: RequestContext,
    private readonly clock: Clock,
    private readonly invoiceService: InvoicesService,
    private readonly settlement: PaymentSettlement,
    private readonly collection: PaymentCollectionService,
  ) {}

  /**
   * Records an offline payment of `dto.amountCents` (default: all that is due) on an open or
   * uncollectible invoice.
   * @throws NotFoundError `invoice_not_found` | AppError 409 `invoice_not_payable` { currentStatus } |
   * UnprocessableError `payment_exceeds_amount_due` (field amountCents)
   */
  async recordOffline(invoiceId: string, dto: RecordPaymentDto): Promise<PaymentDto> {
    if (dto.method === 'card') return this.chargeOnFile(invoiceId, dto);
    const invoice = await this.invoiceService.lockById(invoiceId);
    assertPayable(invoice);
    await this.invoiceService.assertNoPaymentInProgress(invoice);
    const amount = dto.amountCents ?? invoice.amountDueCents;
    if (amount > invoice.amountDueCents) {
      throw new UnprocessableError('payment_exceeds_amount_due', `The payment of ${amount} exceeds the ${invoice.amountDueCents} due on invoice ${invoice.number}.`, { field: 'amountCents' });
    }
    const now = this.clock.now();
    const payment = await new TenantScopedRepository(this.txHost.tx, Payment, invoice.tenantId).insertOne({
      invoiceId: invoice.id,
      amountCents: amount,
      currency: invoice.currency,
      status: 'succeeded',
      method: dto.method,
      methodLabel: OFFLINE_LABELS[dto.method],
      gateway: 'offline',
      reference: dto.reference ?? null,
      failureCode: null,
      failureMessage: null,
      declineCode: null,
      attempt: 1,
      refundedCents: 0,
      note: dto.note ?? null,
      processedAt: dto.receivedAt ?? now,
      recordedBy: this.context.actor.type === 'platform' ? (this.context.actor.id ?? null) : null,
      paymentMethodId: null,
      gatewayIdempotencyKey: null,
      trigger: 'offline',
      createdAt: now, // billing documents are dated by the billing Clock
    });
    const saved = await this.settlement.applySucceeded(invoice, payment);
    const out = toPaymentDto(payment, invoice.number);
    this.context.noteAudit({ tenantId: invoice.tenantId, resourceId: payment.id, resourceType: 'payment', after: out, metadata: { invoiceStatus: saved.status, amountDueCents: saved.amountDueCents } });
    return out;
  }

  /** Staff charge the tenant's method on file (`method: card`): a pending payment, collected right after commit. */
  private async chargeOnFile(invoiceId: string, dto: RecordPaymentDto): Promise<PaymentDto> {
    for (const field of ['reference', 'receivedAt'] as const) {
      if (dto[field] !== undefined) throw new ValidationError([{ field, message: `${field} is only for an offline payment; a card charge gets the gateway's reference` }]);
    }
    const payment = await this.collection.charge(invoiceId, 'staff', { amountCents: dto.amountCents, note: dto.note });
    const out = toPaymentDto(payment, await this.numberOf(payment.invoiceId));
    this.context.noteAudit({ tenantId: payment.tenantId, resourceId: payment.id, resourceType: 'payment', after: out });
    return out;
  }

  /**
   * The tenant pays an invoice with its method on file (POST /tenant/invoices/:id/pay).
   * @throws see PaymentCollectionService.charge
   */
  async payForTenant(tenantId: string, invoiceId: string): Promise<PaymentDto> {
    const payment = await this.collection.charge(invoiceId, 'tenant', { tenantId });
    const out = toPaymentDto(payment, await this.numberOf(payment.invoiceId));
    this.context.noteAudit({ tenantId, resourceId: payment.id, resourceType: 'payment', after: out });
    return out;
  }

  /** One payment (staff: any; a tenant: its own, else 404). @throws NotFoundError `payment_not_found` */
  async get(id: string, tenantId?: string): Promise<PaymentDto> {
    const payment = await this.txHost.tx.getRepository(Payment).findOneBy({ id });
    if (!payment || (tenantId !== undefined && payment.tenantId !== tenantId)) throw new NotFoundError('Payment', id);
    return toPaymentDto(payment, await this.numberOf(payment.invoiceId));
  }

  private async numberOf(invoiceId: string): Promise<string | null> {
    const [row]: { number: string | null }[] = await this.txHost.tx.query(`SELECT number FROM invoices WHERE id = $1`, [invoiceId]);
    return row?.number ?? null;
  }

  /** Every payment on the platform, newest first, filtered (`status=failed`: the failed payments). */
  async list(query: PaymentListQueryDto): Promise<Page<PaymentDto>> {
    const qb = this.txHost.tx.getRepository(Payment).createQueryBuilder('p');
    if (query.tenantId) qb.andWhere('p.tenant_id = :tenantId', { tenantId: query.tenantId });
    if (query.invoiceId) qb.andWhere('p.invoice_id = :invoiceId', { invoiceId: query.invoiceId });
    if (query.status) qb.andWhere('p.status = :status', { status: query.status });
    if (query.from) qb.andWhere('p.created_at >= :from', { from: query.from });
    if (query.to) qb.andWhere('p.created_at < :to', { to: query.to });
    const [rows, total] = await qb.orderBy('p.created_at', 'DESC').addOrderBy('p.id', 'DESC').take(query.limit).skip(query.offset).getManyAndCount();
    return toPage(await this.withNumbers(rows), total, query);
  }

  /** The tenant's own payments, newest first. */
  async listForTenant(tenantId: string, query: PageQueryDto): Promise<Page<PaymentDto>> {
    const [rows, total] = await new TenantScopedRepository(this.txHost.tx, Payment, tenantId).findAndCount({ order: { createdAt: 'DESC', id: 'DESC' }, take: query.limit, skip: query.offset });
    return toPage(await this.withNumbers(rows), total, query);
  }

  private async withNumbers(rows: Payment[]): Promise<PaymentDto[]> {
    if (!rows.length) return [];
    const numbers: { id: string; number: string | null }[] = await this.txHost.tx.query(`SELECT id, number FROM invoices WHERE id = ANY($1::uuid[])`, [[...new Set(rows.map((p) => p.invoiceId))]]);
    const byId = new Map(numbers.map((n) => [n.id, n.number]));
    return rows.map((p) => toPaymentDto(p, byId.get(p.invoiceId) ?? null));
  }
}
