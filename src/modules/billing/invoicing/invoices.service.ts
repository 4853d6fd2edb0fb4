import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { In, IsNull } from 'typeorm';
import { RequestContext } from '../../../common/context';
import { AppError, NotFoundError } from '../../../common/errors';
import { EventBus } from '../../../common/events';
import { Page, toPage } from '../../../common/http';
import { TenantDirectory } from '../../../common/tenancy';
import { Clock } from '../../../common/time';
import { TenantScopedRepository } from '../../../database/tenant-scoped.repository';
import { CreateInvoiceDto, InvoiceDto, InvoiceListQueryDto, TenantInvoiceListQueryDto } from '../dto/invoice.dto';
import { BilledTo, BillingReason, Invoice, InvoiceStatus } from '../entities/invoice.entity';
import { InvoiceLine } from '../entities/invoice-line.entity';
import { LineKind, PendingInvoiceItem } from '../entities/pending-invoice-item.entity';
import { InvoiceCreatedEvent, InvoiceEventPayload, InvoiceFinalizedEvent, InvoicePaidEvent, InvoiceUncollectibleEvent, InvoiceVoidedEvent } from '../events/invoice.events';
import { nextDocumentNumber } from './document-numbers';
import { TaxCalculator } from './tax-calculator';
import { DunningService } from '../collection/dunning.service';
import { CreditBalanceLedger } from '../collection/credit-balance';

/** A line to put on a new invoice (minor units). */
interface NewLine {
  description: string;
  quantity: number;
  unitAmountCents: number;
  amountCents: number;
  periodStart: Date | null;
  periodEnd: Date | null;
  proration: boolean;
  subscriptionId: string | null;
  pendingItemId: string | null;
  /** `discount`: a coupon's (negative) discount, totalled in the invoice's discountCents. */
  kind: LineKind;
  couponId: string | null;
}

/** An invoice with its lines, as the services pass it around. */
export interface InvoiceWithLines {
  invoice: Invoice;
  lines: InvoiceLine[];
}

/** Maps an invoice and its lines to the public shape; `now` decides `overdue`. */
export function toInvoiceDto({ invoice: i, lines }: InvoiceWithLines, now: Date): InvoiceDto {
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return {
    id: i.id,
    tenantId: i.tenantId,
    number: i.number,
    status: i.status,
    billingReason: i.billingReason,
    currency: i.currency,
    subtotalCents: i.subtotalCents,
    discountCents: i.discountCents,
    taxCents: i.taxCents,
    taxNote: i.taxNote,
    totalCents: i.totalCents,
    amountPaidCents: i.amountPaidCents,
    amountDueCents: i.amountDueCents,
    appliedBalanceCents: i.appliedBalanceCents,
    creditedCents: i.creditedCents,
    netDays: i.netDays,
    billedTo: i.billedTo,
    memo: i.memo,
    finalizedAt: iso(i.finalizedAt),
    dueAt: iso(i.dueAt),
    paidAt: iso(i.paidAt),
    voidedAt: iso(i.voidedAt),
    markedUncollectibleAt: iso(i.markedUncollectibleAt),
    overdue: isOverdue(i, now),
    lines: lines.map((l) => ({
      id: l.id,
      description: l.description,
      quantity: l.quantity,
      unitAmountCents: l.unitAmountCents,
      amountCents: l.amountCents,
      periodStart: iso(l.periodStart),
      periodEnd: iso(l.periodEnd),
      proration: l.proration,
      subscriptionId: l.subscriptionId,
      kind: l.kind,
      couponId: l.couponId,
    })),
    createdAt: i.createdAt.toISOString(),
  };
}

/** Open or uncollectible, something still due, and past the due date. */
export function isOverdue(i: Pick<Invoice, 'status' | 'amountDueCents' | 'dueAt'>, now: Date): boolean {
  return (i.status === 'open' || i.status === 'uncollectible') && i.amountDueCents > 0 && i.dueAt !== null && i.dueAt.getTime() < now.getTime();
}

/** The facts every invoice event carries. */
export function invoiceEventPayload(i: Invoice): InvoiceEventPayload {
  return { invoiceId: i.id, number: i.number, status: i.status, billingReason: i.billingReason, currency: i.currency, totalCents: i.totalCents, amountDueCents: i.amountDueCents };
}

/**
 * Invoices of the billing context (Stripe's invoice lifecycle): made from the tenant's pending
 * invoice items when a subscription starts, renews or changes mid-period, or by staff by hand;
 * finalized with the next gapless number of the year and frozen; voided or marked uncollectible.
 * Every method runs in the caller's transaction (one per state change) with its events; "now" is
 * the injected Clock. Payments are recorded by the payments service, not here.
 */
@Injectable()
export class InvoicesService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly directory: TenantDirectory,
    private readonly tax: TaxCalculator,
    private readonly events: EventBus,
    private readonly context: RequestContext,
    private readonly clock: Clock,
    private readonly dunning: DunningService,
    private readonly balance: CreditBalanceLedger,
  ) {}

  private invoices(tenantId: string) {
    return new TenantScopedRepository(this.txHost.tx, Invoice, tenantId);
  }

  private lines(tenantId: string) {
    return new TenantScopedRepository(this.txHost.tx, InvoiceLine, tenantId);
  }

  /**
   * Bills the tenant's pending invoice items now (billing in advance): one finalized invoice per
   * currency whose items add up to more than zero, or to exactly zero with a coupon's discount among
   * them (a fully discounted charge: an invoice of 0, paid at once, as Stripe issues). Items that
   * add up to less (a credit from a removal or a downgrade) stay pending and reduce the next
   * invoice, as Stripe carries credit prorations. The items are locked, so two concurrent runs never bill one item twice.
   * Returns the invoices made (none when nothing is due).
   */
  async invoicePending(tenantId: string, reason: Exclude<BillingReason, 'manual'>): Promise<InvoiceWithLines[]> {
    const items = await new TenantScopedRepository(this.txHost.tx, PendingInvoiceItem, tenantId)
      .queryBuilder('p')
      .andWhere('p.invoice_id IS NULL')
      .orderBy('p.seq')
      .setLock('pessimistic_write')
      .getMany();
    const byCurrency = new Map<string, PendingInvoiceItem[]>();
    for (const item of items) byCurrency.set(item.currency, [...(byCurrency.get(item.currency) ?? []), item]);
    const made: InvoiceWithLines[] = [];
    for (const [currency, group] of byCurrency) {
      const sum = group.reduce((total, i) => total + i.amountCents, 0);
      if (sum < 0 || (sum === 0 && !group.some((i) => i.kind === 'discount'))) continue;
      const draft = await this.createDraft(tenantId, {
        currency,
        reason,
        netDays: 0,
        memo: null,
        lines: group.map((i) => ({
          description: i.description,
          quantity: i.quantity,
          unitAmountCents: i.unitAmountCents,
          amountCents: i.amountCents,
          periodStart: i.periodStart,
          periodEnd: i.periodEnd,
          proration: i.proration,
          subscriptionId: i.subscriptionId,
          pendingItemId: i.id,
          kind: i.kind,
          couponId: i.couponId,
        })),
      });
      await new TenantScopedRepository(this.txHost.tx, PendingInvoiceItem, tenantId).update({ invoiceId: IsNull(), id: In(group.map((i) => i.id)) }, { invoiceId: draft.invoice.id });
      made.push(await this.finalizeLocked(draft.invoice));
    }
    return made;
  }

  /**
   * A manual invoice (staff): a draft with the given lines, or finalized at once with `finalize`.
   * @throws NotFoundError `tenant_not_found`
   */
  async createManual(dto: CreateInvoiceDto): Promise<InvoiceDto> {
    const contact = await this.directory.billingContact(dto.tenantId);
    if (!contact) throw new NotFoundError('Tenant', dto.tenantId);
    let result = await this.createDraft(dto.tenantId, {
      currency: dto.currency ?? contact.currency,
      reason: 'manual',
      netDays: dto.netDays ?? 0,
      memo: dto.memo ?? null,
      lines: dto.lines.map((l) => ({
        description: l.description,
        quantity: l.quantity,
        unitAmountCents: l.unitAmountCents,
        amountCents: l.unitAmountCents * l.quantity,
        periodStart: null,
        periodEnd: null,
        proration: false,
        subscriptionId: null,
        pendingItemId: null,
        kind: 'charge' as const,
        couponId: null,
      })),
    });
    if (dto.finalize) result = await this.finalizeLocked(result.invoice);
    const out = toInvoiceDto(result, this.clock.now());
    this.context.noteAudit({ tenantId: dto.tenantId, resourceId: result.invoice.id, after: out });
    return out;
  }

  /**
   * Finalizes a draft: the next number of the year, the issue and due dates, status open (paid at
   * once when nothing is due, as Stripe does for a zero total). Frozen from then on.
   * @throws NotFoundError `invoice_not_found` | AppError 409 `invoice_not_draft` { currentStatus }
   */
  async finalize(id: string): Promise<InvoiceDto> {
    const invoice = await this.lockById(id);
    if (invoice.status !== 'draft') throw this.wrongStatus(invoice, 'invoice_not_draft', 'Only a draft can be finalized');
    const result = await this.finalizeLocked(invoice);
    const out = toInvoiceDto(result, this.clock.now());
    this.context.noteAudit({ tenantId: invoice.tenantId, resourceId: id, before: { status: 'draft' }, after: { status: out.status, number: out.number } });
    return out;
  }

  /**
   * Voids an invoice nothing was paid on (draft, open or uncollectible): nothing is owed any more.
   * A paid invoice is corrected with a credit note instead.
   * @throws NotFoundError | AppError 409 `invoice_not_voidable` { currentStatus }
   */
  async void(id: string): Promise<InvoiceDto> {
    const invoice = await this.lockById(id);
    if (!['draft', 'open', 'uncollectible'].includes(invoice.status) || invoice.amountPaidCents > 0) {
      throw this.wrongStatus(invoice, 'invoice_not_voidable', 'Only a draft, open or uncollectible invoice with nothing paid can be voided');
    }
    await this.assertNoPaymentInProgress(invoice);
    const out = await this.transition(invoice, 'void', { voidedAt: this.clock.now(), amountDueCents: 0 }, InvoiceVoidedEvent);
    // Nothing is owed any more: its dunning closes and the subscriptions it held are active again.
    await this.dunning.resolve(invoice.tenantId, invoice.id, this.clock.now(), 'closed');
    return out;
  }

  /**
   * Marks an open invoice uncollectible (a bad debt; it can still be paid or voided later).
   * @throws NotFoundError | AppError 409 `invoice_not_open` { currentStatus }
   */
  async markUncollectible(id: string): Promise<InvoiceDto> {
    const invoice = await this.lockById(id);
    if (invoice.status !== 'open') throw this.wrongStatus(invoice, 'invoice_not_open', 'Only an open invoice can be marked uncollectible');
    return this.transition(invoice, 'uncollectible', { markedUncollectibleAt: this.clock.now() }, InvoiceUncollectibleEvent);
  }

  /** Every invoice on the platform, newest first, filtered. */
  async list(query: InvoiceListQueryDto): Promise<Page<InvoiceDto>> {
    const now = this.clock.now();
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (query.tenantId) add('i.tenant_id = ?', query.tenantId);
    if (query.status) add('i.status = ?', query.status);
    if (query.number) add('i.number = ?', query.number);
    if (query.from) add('i.created_at >= ?', query.from);
    if (query.to) add('i.created_at < ?', query.to);
    if (query.overdue !== undefined) {
      params.push(now);
      const overdue = `(i.status IN ('open', 'uncollectible') AND i.amount_due_cents > 0 AND i.due_at < $${params.length})`;
      where.push(query.overdue ? overdue : `NOT ${overdue}`);
    }
    const sql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [ids, [{ total }]]: [{ id: string; tenant_id: string }[], { total: number }[]] = [
      await this.txHost.tx.query(`SELECT i.id, i.tenant_id FROM invoices i ${sql} ORDER BY i.created_at DESC, i.id DESC LIMIT ${query.limit} OFFSET ${query.offset}`, params),
      await this.txHost.tx.query(`SELECT count(*)::int AS total FROM invoices i ${sql}`, params),
    ];
    const rows = await this.load(ids.map((r) => r.id));
    return toPage(rows.map((r) => toInvoiceDto(r, now)), total, query);
  }

  /** The tenant's own invoices (drafts are not shown), newest first. */
  async listForTenant(tenantId: string, query: TenantInvoiceListQueryDto): Promise<Page<InvoiceDto>> {
    const qb = this.invoices(tenantId).queryBuilder('i').andWhere(`i.status <> 'draft'`);
    if (query.status) qb.andWhere('i.status = :status', { status: query.status });
    const [invoices, total] = await qb.orderBy('i.created_at', 'DESC').addOrderBy('i.id', 'DESC').take(query.limit).skip(query.offset).getManyAndCount();
    const rows = await this.load(invoices.map((i) => i.id));
    return toPage(rows.map((r) => toInvoiceDto(r, this.clock.now())), total, query);
  }

  /** One invoice with its lines. @throws NotFoundError `invoice_not_found` */
  async get(id: string): Promise<InvoiceWithLines> {
    const [row] = await this.load([id]);
    if (!row) throw new NotFoundError('Invoice', id);
    return row;
  }

  /** One of the tenant's invoices (not a draft; another tenant's is a 404). @throws NotFoundError `invoice_not_found` */
  async getForTenant(tenantId: string, id: string): Promise<InvoiceWithLines> {
    const invoice = await this.invoices(tenantId).findOne({ id });
    if (!invoice || invoice.status === 'draft') throw new NotFoundError('Invoice', id);
    return { invoice, lines: await this.lines(tenantId).find({ where: { invoiceId: id }, order: { position: 'ASC' } }) };
  }

  /** The invoice's public shape at the Clock's now. */
  dto(row: InvoiceWithLines): InvoiceDto {
    return toInvoiceDto(row, this.clock.now());
  }

  /**
   * A new draft with `lines`: subtotal = Σ charge lines, discount = −Σ discount lines (a positive
   * number), tax from the calculator on both, total = subtotal − discount + tax (the invoices CHECK).
   */
  private async createDraft(tenantId: string, input: { currency: string; reason: BillingReason; netDays: number; memo: string | null; lines: NewLine[] }): Promise<InvoiceWithLines> {
    const contact = (await this.directory.billingContact(tenantId))!;
    const billedTo: BilledTo = { name: contact.name, email: contact.billingEmail ?? contact.contactEmail, phone: contact.contactPhone, locale: contact.locale };
    const subtotalCents = input.lines.filter((l) => l.kind !== 'discount').reduce((sum, l) => sum + l.amountCents, 0);
    const discountCents = -input.lines.filter((l) => l.kind === 'discount').reduce((sum, l) => sum + l.amountCents, 0);
    const tax = await this.tax.calculate({ tenantId, currency: input.currency, billedTo, subtotalCents, discountCents });
    const totalCents = subtotalCents - discountCents + tax.taxCents;
    const invoice = await this.invoices(tenantId).insertOne({
      number: null,
      status: 'draft',
      billingReason: input.reason,
      currency: input.currency,
      subtotalCents,
      discountCents,
      taxCents: tax.taxCents,
      taxNote: tax.note,
      totalCents,
      amountPaidCents: 0,
      amountDueCents: totalCents,
      netDays: input.netDays,
      billedTo,
      memo: input.memo,
      finalizedAt: null,
      dueAt: null,
      paidAt: null,
      voidedAt: null,
      markedUncollectibleAt: null,
    });
    const rows = input.lines.map((line, position) => ({ ...line, invoiceId: invoice.id, position }));
    const keys = rows.length ? await this.lines(tenantId).insert(rows) : [];
    const lines = rows.map((row, k) => Object.assign(new InvoiceLine(), row, { id: keys[k].id!, tenantId }));
    await this.events.publish(new InvoiceCreatedEvent(tenantId, invoiceEventPayload(invoice)));
    return { invoice, lines };
  }

  /** Finalizes `invoice` (a draft, locked or just made in this transaction). */
  private async finalizeLocked(invoice: Invoice): Promise<InvoiceWithLines> {
    const now = this.clock.now();
    const number = await nextDocumentNumber(this.txHost.tx, 'INV', now.getUTCFullYear());
    // The tenant's credit balance pays what it can first (Stripe's customer balance).
    const applied = await this.balance.applyTo(invoice.tenantId, invoice.currency, Math.max(invoice.totalCents, 0), invoice.id);
    const due = Math.max(invoice.totalCents, 0) - applied;
    const paid = due <= 0;
    const saved = (await this.invoices(invoice.tenantId).updateOne(
      { id: invoice.id },
      {
        number,
        status: paid ? 'paid' : 'open',
        finalizedAt: now,
        dueAt: new Date(now.getTime() + invoice.netDays * 86_400_000),
        amountDueCents: due,
        appliedBalanceCents: applied,
        paidAt: paid ? now : null,
      },
    ))!;
    await this.events.publish(new InvoiceFinalizedEvent(saved.tenantId, invoiceEventPayload(saved)));
    if (paid) await this.events.publish(new InvoicePaidEvent(saved.tenantId, invoiceEventPayload(saved)));
    return { invoice: saved, lines: await this.lines(saved.tenantId).find({ where: { invoiceId: saved.id }, order: { position: 'ASC' } }) };
  }

  private async transition(
    invoice: Invoice,
    status: InvoiceStatus,
    patch: Partial<Invoice>,
    Event: typeof InvoiceVoidedEvent | typeof InvoiceUncollectibleEvent,
  ): Promise<InvoiceDto> {
    const saved = (await this.invoices(invoice.tenantId).updateOne({ id: invoice.id }, { ...patch, status }))!;
    await this.events.publish(new Event(saved.tenantId, invoiceEventPayload(saved)));
    const out = toInvoiceDto({ invoice: saved, lines: await this.lines(saved.tenantId).find({ where: { invoiceId: saved.id }, order: { position: 'ASC' } }) }, this.clock.now());
    this.context.noteAudit({ tenantId: saved.tenantId, resourceId: saved.id, before: { status: invoice.status }, after: { status } });
    return out;
  }

  /** The invoice locked FOR UPDATE, in the caller's transaction (staff routes name it by id alone). @throws NotFoundError `invoice_not_found` */
  async lockById(id: string, tenantId?: string): Promise<Invoice> {
    const [row]: { tenant_id: string; status: string }[] = await this.txHost.tx.query(`SELECT tenant_id, status FROM invoices WHERE id = $1`, [id]);
    // For a tenant, another tenant's invoice and its own drafts do not exist.
    if (!row || (tenantId !== undefined && (row.tenant_id !== tenantId || row.status === 'draft'))) throw new NotFoundError('Invoice', id);
    const invoice = await this.invoices(row.tenant_id).queryBuilder('i').andWhere('i.id = :id', { id }).setLock('pessimistic_write').getOne();
    if (!invoice) throw new NotFoundError('Invoice', id);
    return invoice;
  }

  /**
   * A charge of the invoice is with the gateway: its outcome must be recorded first.
   * @throws AppError 409 `payment_in_progress`
   */
  async assertNoPaymentInProgress(invoice: Invoice): Promise<void> {
    const [pending]: unknown[] = await this.txHost.tx.query(`SELECT 1 FROM payments WHERE invoice_id = $1 AND status = 'pending' LIMIT 1`, [invoice.id]);
    if (pending) throw new AppError('payment_in_progress', 409, `A payment of invoice ${invoice.number ?? invoice.id} is being processed; wait for its outcome.`, { state: 'payment' });
  }

  private wrongStatus(invoice: Invoice, code: 'invoice_not_draft' | 'invoice_not_voidable' | 'invoice_not_open', rule: string): AppError {
    return new AppError(code, 409, `${rule}; invoice ${invoice.number ?? invoice.id} is ${invoice.status}.`, { state: 'status', currentStatus: invoice.status });
  }

  /** Invoices with their lines, in the order of `ids`. */
  private async load(ids: string[]): Promise<InvoiceWithLines[]> {
    if (!ids.length) return [];
    const invoices = await this.txHost.tx.getRepository(Invoice).createQueryBuilder('i').where('i.id IN (:...ids)', { ids }).getMany();
    const lines = await this.txHost.tx.getRepository(InvoiceLine).createQueryBuilder('l').where('l.invoice_id IN (:...ids)', { ids }).orderBy('l.position').getMany();
    const byId = new Map(invoices.map((i) => [i.id, i]));
    return ids.filter((id) => byId.has(id)).map((id) => ({ invoice: byId.get(id)!, lines: lines.filter((l) => l.invoiceId === id) }));
  }
}
