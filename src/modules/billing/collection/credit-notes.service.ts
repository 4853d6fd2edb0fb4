import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { RequestContext } from '../../../common/context';
import { AppError, NotFoundError, UnprocessableError } from '../../../common/errors';
import { EventBus } from '../../../common/events';
import { Page, toPage } from '../../../common/http';
import { Clock } from '../../../common/time';
import { TenantScopedRepository } from '../../../database/tenant-scoped.repository';
import { CreateCreditNoteDto, CreditNoteDto, CreditNoteListQueryDto } from '../dto/credit-note.dto';
import { CreditNote, CreditNoteKind, CreditNoteReason } from '../entities/credit-note.entity';
import { Invoice } from '../entities/invoice.entity';
import { CreditNoteCreatedEvent, InvoicePaidEvent } from '../events/invoice.events';
import { nextDocumentNumber } from '../invoicing/document-numbers';
import { invoiceEventPayload, InvoicesService } from '../invoicing/invoices.service';
import { CreditBalanceLedger } from './credit-balance';
import { DunningService } from './dunning.service';

/** Maps a credit note to its public shape. */
export function toCreditNoteDto(c: CreditNote): CreditNoteDto {
  return {
    id: c.id,
    tenantId: c.tenantId,
    number: c.number,
    invoiceId: c.invoiceId,
    invoiceNumber: c.invoiceNumber,
    kind: c.kind,
    reason: c.reason,
    amountCents: c.amountCents,
    currency: c.currency,
    memo: c.memo,
    refundId: c.refundId,
    billedTo: c.billedTo,
    issuedAt: c.issuedAt.toISOString(),
  };
}

/**
 * Credit notes (Stripe's): the only correction of a finalized invoice. Numbered CN-YYYY-NNNNNN
 * without gaps per year, in the issuing transaction. A refund's credit note records money
 * returned; on an open invoice a credit note reduces the amount due (down to 0: the invoice is
 * paid, and its dunning recovered); on a paid one it goes to the tenant's credit balance, which
 * the next invoices use before anything is charged.
 */
@Injectable()
export class CreditNotesService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly events: EventBus,
    private readonly context: RequestContext,
    private readonly clock: Clock,
    private readonly invoices: InvoicesService,
    private readonly balance: CreditBalanceLedger,
    private readonly dunning: DunningService,
  ) {}

  private repo(tenantId: string) {
    return new TenantScopedRepository(this.txHost.tx, CreditNote, tenantId);
  }

  /**
   * Issues a credit note against `invoice` (locked by the caller), in the caller's transaction.
   * The caller has checked the amount against the invoice.
   */
  async issue(invoice: Invoice, input: { amountCents: number; kind: CreditNoteKind; reason: CreditNoteReason; memo: string | null; refundId: string | null }): Promise<CreditNote> {
    const now = this.clock.now();
    const number = await this.nextNumber(now);
    const note = await this.repo(invoice.tenantId).insertOne({
      invoiceId: invoice.id,
      number,
      invoiceNumber: invoice.number!,
      kind: input.kind,
      reason: input.reason,
      amountCents: input.amountCents,
      currency: invoice.currency,
      memo: input.memo,
      refundId: input.refundId,
      billedTo: invoice.billedTo,
      issuedAt: now,
      createdBy: this.context.actor.type === 'platform' ? (this.context.actor.id ?? null) : null,
    });
    const due = input.kind === 'amount_due' ? invoice.amountDueCents - input.amountCents : invoice.amountDueCents;
    const paidNow = input.kind === 'amount_due' && due === 0;
    const saved = (await new TenantScopedRepository(this.txHost.tx, Invoice, invoice.tenantId).updateOne(
      { id: invoice.id },
      { creditedCents: invoice.creditedCents + input.amountCents, amountDueCents: due, ...(paidNow ? { status: 'paid' as const, paidAt: now } : {}) },
    ))!;
    if (input.kind === 'credit_balance') await this.balance.credit(invoice.tenantId, invoice.currency, input.amountCents, note.id, invoice.id);
    await this.events.publish(
      new CreditNoteCreatedEvent(invoice.tenantId, {
        creditNoteId: note.id,
        number,
        invoiceId: invoice.id,
        invoiceNumber: note.invoiceNumber,
        kind: note.kind,
        reason: note.reason,
        amountCents: note.amountCents,
        currency: note.currency,
        refundId: note.refundId,
      }),
    );
    if (paidNow) {
      await this.events.publish(new InvoicePaidEvent(invoice.tenantId, invoiceEventPayload(saved)));
      await this.dunning.resolve(invoice.tenantId, invoice.id, now, 'recovered');
    }
    return note;
  }

  /**
   * A goodwill or correcting credit note (staff): on an open or uncollectible invoice it reduces the
   * amount due; on a paid one it is credited to the tenant's balance.
   * @throws NotFoundError `invoice_not_found` | AppError 409 `invoice_not_creditable` { currentStatus } |
   * UnprocessableError `credit_exceeds_amount_due` | `credit_exceeds_invoice_total` (field amountCents)
   */
  async createForInvoice(invoiceId: string, dto: CreateCreditNoteDto): Promise<CreditNoteDto> {
    const invoice = await this.invoices.lockById(invoiceId);
    if (invoice.status === 'draft' || invoice.status === 'void') {
      throw new AppError('invoice_not_creditable', 409, `Only a finalized invoice that is not void takes credit notes; invoice ${invoice.number ?? invoice.id} is ${invoice.status}.`, {
        state: 'status',
        currentStatus: invoice.status,
      });
    }
    const left = Math.max(invoice.totalCents, 0) - invoice.creditedCents;
    if (dto.amountCents > left) {
      throw new UnprocessableError('credit_exceeds_invoice_total', `Invoice ${invoice.number} has ${left} left to credit; ${dto.amountCents} was asked.`, { field: 'amountCents' });
    }
    const open = invoice.status === 'open' || invoice.status === 'uncollectible';
    if (open) {
      await this.invoices.assertNoPaymentInProgress(invoice);
      if (dto.amountCents > invoice.amountDueCents) {
        throw new UnprocessableError('credit_exceeds_amount_due', `The credit of ${dto.amountCents} exceeds the ${invoice.amountDueCents} due on invoice ${invoice.number}.`, { field: 'amountCents' });
      }
    }
    const note = await this.issue(invoice, { amountCents: dto.amountCents, kind: open ? 'amount_due' : 'credit_balance', reason: dto.reason, memo: dto.memo ?? null, refundId: null });
    const out = toCreditNoteDto(note);
    this.context.noteAudit({ tenantId: invoice.tenantId, resourceType: 'credit_note', resourceId: note.id, after: out });
    return out;
  }

  /** Every credit note, newest first (staff), filtered by tenant and invoice. */
  async list(query: CreditNoteListQueryDto, tenantId?: string): Promise<Page<CreditNoteDto>> {
    const qb = tenantId ? this.repo(tenantId).queryBuilder('c') : this.txHost.tx.getRepository(CreditNote).createQueryBuilder('c');
    if (query.tenantId) qb.andWhere('c.tenant_id = :filterTenant', { filterTenant: query.tenantId });
    if (query.invoiceId) qb.andWhere('c.invoice_id = :invoiceId', { invoiceId: query.invoiceId });
    const [rows, total] = await qb.orderBy('c.issued_at', 'DESC').addOrderBy('c.number', 'DESC').take(query.limit).skip(query.offset).getManyAndCount();
    return toPage(rows.map(toCreditNoteDto), total, query);
  }

  /** One credit note (a tenant: its own, else 404). @throws NotFoundError `credit_note_not_found` */
  async get(id: string, tenantId?: string): Promise<CreditNote> {
    const note = await this.txHost.tx.getRepository(CreditNote).findOneBy({ id });
    if (!note || (tenantId !== undefined && note.tenantId !== tenantId)) throw new NotFoundError('Credit note', id);
    return note;
  }

  private nextNumber(now: Date): Promise<string> {
    return nextDocumentNumber(this.txHost.tx, 'CN', now.getUTCFullYear());
  }
}
