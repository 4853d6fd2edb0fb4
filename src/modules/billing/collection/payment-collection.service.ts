import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import { RequestContext } from '../../../common/context';
import { AppError, UnprocessableError } from '../../../common/errors';
import { EventBus, UnitOfWork } from '../../../common/events';
import { Clock } from '../../../common/time';
import { TenantScopedRepository } from '../../../database/tenant-scoped.repository';
import { AuditService } from '../../audit';
import { BILLING_QUEUE, COLLECT_JOB } from '../billing-queue';
import { Invoice } from '../entities/invoice.entity';
import { Payment } from '../entities/payment.entity';
import { PaymentMethod } from '../entities/payment-method.entity';
import { PaymentFailedEvent } from '../events/payment.events';
import { InvoicesService, InvoiceWithLines } from '../invoicing/invoices.service';
import { DunningService } from './dunning.service';
import { PaymentSettlement } from './payment-settlement';
import { assertOutsideTransaction, GatewayResult, PaymentGateway, PaymentMethodRejectedError } from './payment-gateway';

/** Why a charge was made: automatic at invoicing, a dunning retry, or asked for by staff or the tenant. */
export type ChargeTrigger = 'automatic' | 'retry' | 'staff' | 'tenant';

/** Payments left pending longer than this (ms) are collected again by the reconciliation step. */
export const STALE_PENDING_MS = 60_000;

/** What one collection run did. */
export interface CollectionRunResult {
  reconciled: number;
  dunningOpened: number;
  retries: number;
  enforcements: number;
}

/**
 * Collects invoices through the {@link PaymentGateway} without ever calling it inside a database
 * transaction (CONVENTIONS §10):
 * 1. the intent — a `pending` payment with the gateway idempotency key `charge_<paymentId>` — is
 *    written in the transaction that decides to charge (one pending payment per invoice at most);
 * 2. after that transaction commits, a Bull job (id = the payment's id) calls the gateway;
 * 3. the answer is recorded in a new transaction: succeeded → the invoice is paid (and dunning
 *    recovered), failed → `payment.failed` and the dunning schedule.
 * A crash between 2 and 3 leaves the payment pending: the reconciliation step of the billing
 * lifecycle calls the gateway again with the same key, which returns the first answer — a charge
 * is never made twice.
 */
@Injectable()
export class PaymentCollectionService {
  private readonly logger = new Logger(PaymentCollectionService.name);

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly uow: UnitOfWork,
    private readonly events: EventBus,
    private readonly context: RequestContext,
    private readonly clock: Clock,
    private readonly gateway: PaymentGateway,
    private readonly invoices: InvoicesService,
    private readonly settlement: PaymentSettlement,
    private readonly dunning: DunningService,
    private readonly audit: AuditService,
    @InjectQueue(BILLING_QUEUE) private readonly queue: Queue,
  ) {}

  /** The tenant's payment method on file, or null. */
  activeMethod(tenantId: string): Promise<PaymentMethod | null> {
    return new TenantScopedRepository(this.txHost.tx, PaymentMethod, tenantId).queryBuilder('m').andWhere('m.detached_at IS NULL').getOne();
  }

  /**
   * Stores the payment method `token` (from the gateway's client-side tokenization) as the
   * tenant's method on file, replacing the previous one. The gateway is called before the
   * request's transaction has sent any statement.
   * @throws UnprocessableError `payment_method_invalid` | `payment_method_unsupported` (field token)
   */
  async attach(tenantId: string, token: string, userId: string | null): Promise<PaymentMethod> {
    assertOutsideTransaction(this.txHost, 'attachPaymentMethod');
    let stored;
    try {
      stored = await this.gateway.attachPaymentMethod({ tenantId, token, idempotencyKey: `attach_${tenantId}_${token}` });
    } catch (err) {
      if (err instanceof PaymentMethodRejectedError) throw new UnprocessableError(err.code === 'payment_method_unsupported' ? 'payment_method_unsupported' : 'payment_method_invalid', err.message, { field: 'token' });
      throw err;
    }
    const repo = new TenantScopedRepository(this.txHost.tx, PaymentMethod, tenantId);
    const now = this.clock.now();
    const previous = await repo.queryBuilder('m').andWhere('m.detached_at IS NULL').setLock('pessimistic_write').getOne();
    if (previous) await repo.update({ id: previous.id }, { detachedAt: now });
    const method = await repo.insertOne({
      gateway: this.gateway.name,
      reference: stored.reference,
      type: stored.type,
      brand: stored.brand,
      last4: stored.last4,
      expMonth: stored.expMonth,
      expYear: stored.expYear,
      label: `${stored.brand} •••• ${stored.last4}`,
      addedBy: userId,
      detachedAt: null,
    });
    this.context.noteAudit({ tenantId, resourceType: 'payment_method', resourceId: method.id, before: previous ? { label: previous.label } : null, after: { label: method.label } });
    return method;
  }

  /**
   * Asks for a charge of the method on file for what is due on an invoice (staff or the tenant):
   * the pending payment is returned at once and collected right after commit.
   * @throws NotFoundError `invoice_not_found` (also another tenant's) | AppError 409 `invoice_not_payable` |
   * `payment_in_progress` | UnprocessableError `payment_method_required` | `automatic_collection_disabled`
   * | `payment_exceeds_amount_due`
   */
  async charge(invoiceId: string, trigger: 'staff' | 'tenant', options: { tenantId?: string; amountCents?: number; note?: string } = {}): Promise<Payment> {
    const invoice = await this.invoices.lockById(invoiceId, options.tenantId);
    if (!this.gateway.chargesAutomatically) {
      throw new UnprocessableError('automatic_collection_disabled', 'This platform collects offline (PAYMENT_GATEWAY=manual): record the payment instead of charging a card.', { field: 'method' });
    }
    const method = await this.activeMethod(invoice.tenantId);
    if (!method) throw new UnprocessableError('payment_method_required', 'The tenant has no payment method on file; add one with PUT /api/v1/tenant/billing/payment-method.', { field: 'method' });
    return this.createIntent(invoice, method, trigger, options.amountCents, options.note);
  }

  /**
   * Charges the invoices just made (renewal, conversion, immediate proration) when the tenant has
   * a method on file and the gateway charges automatically, in the caller's transaction. Without
   * one, the invoice stays open and the collection run opens its dunning once it is overdue.
   */
  async collectAutomatically(made: InvoiceWithLines[]): Promise<void> {
    if (!this.gateway.chargesAutomatically) return;
    for (const { invoice } of made) {
      if (invoice.status !== 'open' || invoice.amountDueCents <= 0) continue;
      const method = await this.activeMethod(invoice.tenantId);
      if (method) await this.createIntent(invoice, method, 'automatic');
    }
  }

  /** Writes the pending payment (the intent) and queues its collection for after commit. */
  private async createIntent(invoice: Invoice, method: PaymentMethod, trigger: ChargeTrigger, amountCents?: number, note?: string): Promise<Payment> {
    assertPayable(invoice);
    const amount = amountCents ?? invoice.amountDueCents;
    if (amount > invoice.amountDueCents) {
      throw new UnprocessableError('payment_exceeds_amount_due', `The charge of ${amount} exceeds the ${invoice.amountDueCents} due on invoice ${invoice.number}.`, { field: 'amountCents' });
    }
    await this.invoices.assertNoPaymentInProgress(invoice);
    const payments = new TenantScopedRepository(this.txHost.tx, Payment, invoice.tenantId);
    const attempt = (await payments.count({ invoiceId: invoice.id, gateway: this.gateway.name })) + 1;
    const id = randomUUID();
    const payment = await payments.insertOne({
      id,
      invoiceId: invoice.id,
      amountCents: amount,
      currency: invoice.currency,
      status: 'pending',
      method: 'card',
      methodLabel: method.label,
      gateway: this.gateway.name,
      reference: null,
      failureCode: null,
      failureMessage: null,
      declineCode: null,
      attempt,
      refundedCents: 0,
      note: note ?? null,
      processedAt: null,
      recordedBy: null,
      paymentMethodId: method.id,
      gatewayIdempotencyKey: `charge_${id}`,
      trigger,
      createdAt: this.clock.now(), // billing documents are dated by the billing Clock
    });
    await this.uow.afterCommit(() => this.enqueue(payment.id));
    return payment;
  }

  /** Queues the collection job of a pending payment (at most one job per payment). */
  async enqueue(paymentId: string): Promise<void> {
    await this.queue.add(COLLECT_JOB, { paymentId }, { jobId: `collect:${paymentId}`, attempts: 5, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: true, removeOnFail: 100 });
  }

  /**
   * Calls the gateway for a pending payment (outside any transaction), then records the answer in
   * a new one. Safe to run twice and concurrently: the gateway answers a repeated idempotency key
   * with its first answer, and only the run that still finds the payment pending records it.
   * @throws GatewayUnavailableError (the job retries with backoff; the payment stays pending)
   */
  async collect(paymentId: string): Promise<Payment['status'] | 'missing'> {
    assertOutsideTransaction(this.txHost, 'charge');
    const payment = await this.txHost.withoutTransaction(() => this.txHost.tx.getRepository(Payment).findOneBy({ id: paymentId }));
    if (!payment) return 'missing';
    if (payment.status !== 'pending') return payment.status;
    const method = payment.paymentMethodId ? await this.txHost.withoutTransaction(() => this.txHost.tx.getRepository(PaymentMethod).findOneBy({ id: payment.paymentMethodId! })) : null;
    const result: GatewayResult = method
      ? await this.gateway.charge({ paymentMethodReference: method.reference, amountCents: payment.amountCents, currency: payment.currency, idempotencyKey: payment.gatewayIdempotencyKey!, description: `Invoice payment ${payment.invoiceId}` })
      : { status: 'failed', failureCode: 'payment_method_missing', declineCode: null, failureMessage: 'The payment method was removed before it could be charged.', reference: null };
    return this.uow.run(() => this.record(paymentId, result));
  }

  private async record(paymentId: string, result: GatewayResult): Promise<Payment['status']> {
    const locked = await this.txHost.tx.getRepository(Payment).createQueryBuilder('p').where('p.id = :id', { id: paymentId }).setLock('pessimistic_write').getOne();
    if (!locked || locked.status !== 'pending') return locked?.status ?? 'failed';
    const invoice = await this.invoices.lockById(locked.invoiceId);
    const payments = new TenantScopedRepository(this.txHost.tx, Payment, locked.tenantId);
    const now = this.clock.now();
    if (result.status === 'succeeded') {
      const saved = (await payments.updateOne({ id: locked.id }, { status: 'succeeded', reference: result.reference, processedAt: now }))!;
      await this.settlement.applySucceeded(invoice, saved);
      await this.auditJob(saved, 'payments.charge_succeeded', { invoiceNumber: invoice.number, amountCents: saved.amountCents });
      return 'succeeded';
    }
    const saved = (await payments.updateOne(
      { id: locked.id },
      { status: 'failed', reference: result.reference, failureCode: result.failureCode, declineCode: result.declineCode, failureMessage: result.failureMessage, processedAt: now },
    ))!;
    // A failed automatic charge or retry drives the dunning schedule; a charge staff or the tenant asked for does not.
    const nextRetryAt = saved.trigger === 'automatic' || saved.trigger === 'retry' ? await this.dunning.recordFailure(saved.tenantId, invoice.id, now, result.failureCode, saved.trigger === 'retry') : null;
    await this.events.publish(
      new PaymentFailedEvent(saved.tenantId, {
        paymentId: saved.id,
        invoiceId: invoice.id,
        invoiceNumber: invoice.number,
        amountCents: saved.amountCents,
        currency: saved.currency,
        method: saved.method,
        gateway: saved.gateway,
        failureCode: result.failureCode,
        declineCode: result.declineCode,
        failureMessage: result.failureMessage,
        attempt: saved.attempt,
        trigger: saved.trigger,
        nextRetryAt: nextRetryAt?.toISOString() ?? null,
      }),
    );
    await this.auditJob(saved, 'payments.charge_failed', { invoiceNumber: invoice.number, failureCode: result.failureCode, declineCode: result.declineCode, nextRetryAt: nextRetryAt?.toISOString() ?? null });
    return 'failed';
  }

  /**
   * The time-driven part of collection, at the Clock's now (run by the billing lifecycle):
   * pending payments left without an outcome are collected again; overdue invoices that bill a
   * subscription and have no case (no method on file, or manual collection) enter dunning; due
   * retries are charged (or, without a method, counted as failed); exhausted cases are enforced.
   */
  async runDue(): Promise<CollectionRunResult> {
    const result: CollectionRunResult = { reconciled: 0, dunningOpened: 0, retries: 0, enforcements: 0 };
    const now = this.clock.now();
    // Staleness is real elapsed time since the intent was written (updated_at, database time), not
    // the billing Clock that dates the payment.
    const stale: { id: string }[] = await this.txHost.tx.query(
      `SELECT id FROM payments WHERE status = 'pending' AND updated_at < now() - make_interval(secs => $1) ORDER BY updated_at LIMIT 500`,
      [STALE_PENDING_MS / 1000],
    );
    for (const { id } of stale) {
      await this.collect(id).then(
        () => (result.reconciled += 1),
        (err: Error) => this.logger.warn(`reconciling payment ${id} failed: ${err.message}`),
      );
    }
    const overdue: { id: string; tenant_id: string; due_at: Date }[] = await this.txHost.tx.query(
      `SELECT i.id, i.tenant_id, i.due_at FROM invoices i
       WHERE i.status = 'open' AND i.amount_due_cents > 0 AND i.due_at <= $1
         AND EXISTS (SELECT 1 FROM invoice_lines l WHERE l.invoice_id = i.id AND l.subscription_id IS NOT NULL)
         AND NOT EXISTS (SELECT 1 FROM dunning_cases c WHERE c.invoice_id = i.id)
         AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.invoice_id = i.id AND p.status = 'pending')
       ORDER BY i.due_at LIMIT 500`,
      [now],
    );
    for (const row of overdue) {
      const opened = await this.uow.run(async () => {
        const invoice = await this.invoices.lockById(row.id);
        if (invoice.status !== 'open' || (await this.dunning.caseOf(invoice.tenantId, invoice.id))) return false;
        const code = this.gateway.chargesAutomatically ? 'payment_method_missing' : 'awaiting_offline_payment';
        await this.dunning.recordFailure(invoice.tenantId, invoice.id, now, code, false);
        return true;
      });
      if (opened) result.dunningOpened += 1;
    }
    const due = await this.dunning.dueCaseIds(now);
    for (const row of due.retries) {
      if (await this.uow.run(() => this.retry(row.tenant_id, row.id, now))) result.retries += 1;
    }
    for (const row of due.enforcements) {
      const acted = await this.uow.run(async () => {
        const dunning = await this.dunning.lockCase(row.tenant_id, row.id);
        return dunning ? this.dunning.enforce(dunning, now) : false;
      });
      if (acted) result.enforcements += 1;
    }
    return result;
  }

  /** One due retry: a new charge of the method on file, or (none, or manual collection) a failed attempt without a charge. */
  private async retry(tenantId: string, caseId: string, now: Date): Promise<boolean> {
    const dunning = await this.dunning.lockCase(tenantId, caseId);
    if (!dunning || dunning.status !== 'retrying' || !dunning.nextRetryAt || dunning.nextRetryAt > now) return false;
    const invoice = await this.invoices.lockById(dunning.invoiceId);
    if (invoice.status === 'paid' || invoice.status === 'void' || invoice.amountDueCents === 0) {
      await this.dunning.resolve(tenantId, invoice.id, now, invoice.status === 'void' ? 'closed' : 'recovered');
      return false;
    }
    const payments = new TenantScopedRepository(this.txHost.tx, Payment, tenantId);
    if (await payments.exists({ invoiceId: invoice.id, status: 'pending' })) return false;
    const method = this.gateway.chargesAutomatically ? await this.activeMethod(tenantId) : null;
    if (method) {
      await this.dunning.retryStarted(dunning);
      await this.createIntent(invoice, method, 'retry');
    } else {
      await this.dunning.recordFailure(tenantId, invoice.id, now, this.gateway.chargesAutomatically ? 'payment_method_missing' : 'awaiting_offline_payment', true);
    }
    return true;
  }

  private auditJob(payment: Payment, action: string, changes: Record<string, unknown>): Promise<void> {
    return this.audit.record({ channel: 'job', action, module: 'billing', resourceType: 'payment', resourceId: payment.id, tenantId: payment.tenantId, changes }, this.txHost.tx);
  }
}

/**
 * An invoice takes payments while open or uncollectible with something due.
 * @throws AppError 409 `invoice_not_payable` { currentStatus }
 */
export function assertPayable(invoice: Invoice): void {
  if ((invoice.status !== 'open' && invoice.status !== 'uncollectible') || invoice.amountDueCents <= 0) {
    throw new AppError('invoice_not_payable', 409, `Only an open or uncollectible invoice with something due takes payments; invoice ${invoice.number ?? invoice.id} is ${invoice.status}.`, {
      state: 'status',
      currentStatus: invoice.status,
    });
  }
}
