import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import { RequestContext } from '../../../common/context';
import { AppError, NotFoundError, ValidationError } from '../../../common/errors';
import { EventBus, UnitOfWork } from '../../../common/events';
import { Clock } from '../../../common/time';
import { TenantScopedRepository } from '../../../database/tenant-scoped.repository';
import { AuditService } from '../../audit';
import { BILLING_QUEUE, REFUND_JOB } from '../billing-queue';
import { CreateRefundDto, RefundDto } from '../dto/credit-note.dto';
import { Payment } from '../entities/payment.entity';
import { Refund } from '../entities/refund.entity';
import { PaymentRefundedEvent } from '../events/payment.events';
import { InvoicesService } from '../invoicing/invoices.service';
import { CreditNotesService } from './credit-notes.service';
import { assertOutsideTransaction, GatewayResult, PaymentGateway } from './payment-gateway';
import { STALE_PENDING_MS } from './payment-collection.service';

/** Maps a refund to its public shape. */
export function toRefundDto(r: Refund, creditNoteNumber: string | null): RefundDto {
  return {
    id: r.id,
    tenantId: r.tenantId,
    paymentId: r.paymentId,
    invoiceId: r.invoiceId,
    amountCents: r.amountCents,
    currency: r.currency,
    reason: r.reason,
    memo: r.memo,
    status: r.status,
    gateway: r.gateway,
    reference: r.reference,
    failureCode: r.failureCode,
    failureMessage: r.failureMessage,
    creditNoteId: r.creditNoteId,
    creditNoteNumber,
    processedAt: r.processedAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
  };
}

/**
 * Refunds (staff): all or part of a succeeded payment, never more than what is left after earlier
 * and pending refunds. An offline payment's refund is recorded at once (staff returned the money);
 * a gateway payment's refund is an intent written in the request's transaction and sent to the
 * gateway after commit by the `refund` job (idempotency key `refund_<refundId>`; a refund left
 * pending is sent again by the lifecycle run with the same key). A succeeded refund updates the
 * payment (refunded / partially_refunded) and issues its credit note, in one transaction with
 * `payment.refunded` and `credit_note.created`.
 */
@Injectable()
export class RefundsService {
  private readonly logger = new Logger(RefundsService.name);

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly uow: UnitOfWork,
    private readonly events: EventBus,
    private readonly context: RequestContext,
    private readonly clock: Clock,
    private readonly gateway: PaymentGateway,
    private readonly invoices: InvoicesService,
    private readonly creditNotes: CreditNotesService,
    private readonly audit: AuditService,
    @InjectQueue(BILLING_QUEUE) private readonly queue: Queue,
  ) {}

  /**
   * Refunds `dto.amountCents` (default: all that is left) of a payment.
   * @throws NotFoundError `payment_not_found` | AppError 409 `payment_not_refundable` { currentStatus } |
   * UnprocessableError `refund_exceeds_remaining` { remainingCents } | ValidationError (reference on a gateway payment)
   */
  async create(paymentId: string, dto: CreateRefundDto): Promise<RefundDto> {
    const [row]: { tenant_id: string }[] = await this.txHost.tx.query(`SELECT tenant_id FROM payments WHERE id = $1`, [paymentId]);
    if (!row) throw new NotFoundError('Payment', paymentId);
    const payment = (await new TenantScopedRepository(this.txHost.tx, Payment, row.tenant_id).queryBuilder('p').andWhere('p.id = :id', { id: paymentId }).setLock('pessimistic_write').getOne())!;
    if (payment.status !== 'succeeded' && payment.status !== 'partially_refunded') {
      throw new AppError('payment_not_refundable', 409, `Only a succeeded payment can be refunded; this payment is ${payment.status}.`, { state: 'status', currentStatus: payment.status });
    }
    const refunds = new TenantScopedRepository(this.txHost.tx, Refund, payment.tenantId);
    const [pending]: { total: string | null }[] = await this.txHost.tx.query(`SELECT sum(amount_cents) AS total FROM refunds WHERE payment_id = $1 AND status = 'pending'`, [payment.id]);
    const remaining = payment.amountCents - payment.refundedCents - Number(pending?.total ?? 0);
    const amount = dto.amountCents ?? remaining;
    if (remaining <= 0) throw new AppError('payment_not_refundable', 409, 'Nothing is left to refund on this payment (refunded, or refunds pending).', { state: 'status', currentStatus: payment.status });
    if (amount > remaining) {
      throw new AppError('refund_exceeds_remaining', 422, `The refund of ${amount} exceeds the ${remaining} left to refund on this payment.`, { field: 'amountCents', remainingCents: remaining });
    }
    const offline = payment.gateway === 'offline';
    if (!offline && dto.reference !== undefined) throw new ValidationError([{ field: 'reference', message: 'reference is only for an offline payment\'s refund; a gateway refund gets the gateway\'s reference' }]);
    const id = randomUUID();
    let refund = await refunds.insertOne({
      id,
      paymentId: payment.id,
      invoiceId: payment.invoiceId,
      amountCents: amount,
      currency: payment.currency,
      reason: dto.reason,
      memo: dto.memo ?? null,
      status: offline ? 'succeeded' : 'pending',
      gateway: offline ? 'offline' : payment.gateway,
      gatewayIdempotencyKey: offline ? null : `refund_${id}`,
      reference: offline ? (dto.reference ?? null) : null,
      failureCode: null,
      failureMessage: null,
      creditNoteId: null,
      requestedBy: this.context.actor.type === 'platform' ? (this.context.actor.id ?? null) : null,
      processedAt: offline ? this.clock.now() : null,
      createdAt: this.clock.now(), // billing documents are dated by the billing Clock
    });
    let creditNoteNumber: string | null = null;
    if (offline) ({ refund, creditNoteNumber } = await this.complete(refund, payment));
    else await this.uow.afterCommit(() => this.enqueue(refund.id));
    const out = toRefundDto(refund, creditNoteNumber);
    this.context.noteAudit({ tenantId: payment.tenantId, resourceType: 'refund', resourceId: refund.id, after: out, metadata: { paymentId: payment.id, remainingCents: remaining - amount } });
    return out;
  }

  /** The refunds of a payment, oldest first. @throws NotFoundError `payment_not_found` */
  async listForPayment(paymentId: string): Promise<RefundDto[]> {
    const [row]: { tenant_id: string }[] = await this.txHost.tx.query(`SELECT tenant_id FROM payments WHERE id = $1`, [paymentId]);
    if (!row) throw new NotFoundError('Payment', paymentId);
    const rows = await new TenantScopedRepository(this.txHost.tx, Refund, row.tenant_id).find({ where: { paymentId }, order: { createdAt: 'ASC' } });
    const numbers: { id: string; number: string }[] = rows.length ? await this.txHost.tx.query(`SELECT id, number FROM credit_notes WHERE refund_id = ANY($1::uuid[])`, [rows.map((r) => r.id)]) : [];
    const byRefund = new Map(numbers.map((n) => [n.id, n.number]));
    return rows.map((r) => toRefundDto(r, r.creditNoteId ? (byRefund.get(r.creditNoteId) ?? null) : null));
  }

  /** Queues the gateway call of a pending refund (one job per refund). */
  async enqueue(refundId: string): Promise<void> {
    await this.queue.add(REFUND_JOB, { refundId }, { jobId: `refund:${refundId}`, attempts: 5, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: true, removeOnFail: 100 });
  }

  /**
   * Sends a pending refund to the gateway (outside any transaction) and records the answer in a new
   * one; safe to run twice (same idempotency key, only a still-pending refund is recorded).
   */
  async collect(refundId: string): Promise<Refund['status'] | 'missing'> {
    assertOutsideTransaction(this.txHost, 'refund');
    const refund = await this.txHost.withoutTransaction(() => this.txHost.tx.getRepository(Refund).findOneBy({ id: refundId }));
    if (!refund) return 'missing';
    if (refund.status !== 'pending') return refund.status;
    const payment = await this.txHost.withoutTransaction(() => this.txHost.tx.getRepository(Payment).findOneBy({ id: refund.paymentId }));
    const result: GatewayResult = await this.gateway.refund({ chargeReference: payment?.reference ?? '', amountCents: refund.amountCents, currency: refund.currency, idempotencyKey: refund.gatewayIdempotencyKey! });
    return this.uow.run(async () => {
      const locked = await this.txHost.tx.getRepository(Refund).createQueryBuilder('r').where('r.id = :id', { id: refundId }).setLock('pessimistic_write').getOne();
      if (!locked || locked.status !== 'pending') return locked?.status ?? 'failed';
      const refunds = new TenantScopedRepository(this.txHost.tx, Refund, locked.tenantId);
      if (result.status === 'failed') {
        await refunds.update({ id: locked.id }, { status: 'failed', failureCode: result.failureCode, failureMessage: result.failureMessage, processedAt: this.clock.now() });
        await this.auditJob(locked, 'refunds.failed', { failureCode: result.failureCode });
        return 'failed';
      }
      const saved = (await refunds.updateOne({ id: locked.id }, { status: 'succeeded', reference: result.reference, processedAt: this.clock.now() }))!;
      const lockedPayment = (await new TenantScopedRepository(this.txHost.tx, Payment, locked.tenantId).queryBuilder('p').andWhere('p.id = :id', { id: locked.paymentId }).setLock('pessimistic_write').getOne())!;
      const { refund: done } = await this.complete(saved, lockedPayment);
      await this.auditJob(done, 'refunds.succeeded', { amountCents: done.amountCents, creditNoteId: done.creditNoteId });
      return 'succeeded';
    });
  }

  /** Sends refunds left pending (a crash after commit) again; returns how many were settled. */
  async reconcileStale(): Promise<number> {
    const stale: { id: string }[] = await this.txHost.tx.query(
      `SELECT id FROM refunds WHERE status = 'pending' AND updated_at < now() - make_interval(secs => $1) ORDER BY updated_at LIMIT 500`,
      [STALE_PENDING_MS / 1000],
    );
    let done = 0;
    for (const { id } of stale) {
      await this.collect(id).then(
        () => (done += 1),
        (err: Error) => this.logger.warn(`reconciling refund ${id} failed: ${err.message}`),
      );
    }
    return done;
  }

  /** The money is back: the payment's refunded amount and status, the credit note, the events. */
  private async complete(refund: Refund, payment: Payment): Promise<{ refund: Refund; creditNoteNumber: string }> {
    const refundedCents = payment.refundedCents + refund.amountCents;
    await new TenantScopedRepository(this.txHost.tx, Payment, payment.tenantId).update(
      { id: payment.id },
      { refundedCents, status: refundedCents >= payment.amountCents ? 'refunded' : 'partially_refunded' },
    );
    const invoice = await this.invoices.lockById(payment.invoiceId);
    const note = await this.creditNotes.issue(invoice, { amountCents: refund.amountCents, kind: 'refund', reason: 'refund', memo: refund.memo ?? `Refund (${refund.reason.replace(/_/g, ' ')})`, refundId: refund.id });
    const saved = (await new TenantScopedRepository(this.txHost.tx, Refund, refund.tenantId).updateOne({ id: refund.id }, { creditNoteId: note.id }))!;
    await this.events.publish(
      new PaymentRefundedEvent(payment.tenantId, {
        paymentId: payment.id,
        invoiceId: payment.invoiceId,
        invoiceNumber: invoice.number,
        amountCents: payment.amountCents,
        currency: payment.currency,
        method: payment.method,
        gateway: payment.gateway,
        refundId: refund.id,
        refundedCents: refund.amountCents,
        totalRefundedCents: refundedCents,
        creditNoteId: note.id,
        creditNoteNumber: note.number,
      }),
    );
    return { refund: saved, creditNoteNumber: note.number };
  }

  private auditJob(refund: Refund, action: string, changes: Record<string, unknown>): Promise<void> {
    return this.audit.record({ channel: 'job', action, module: 'billing', resourceType: 'refund', resourceId: refund.id, tenantId: refund.tenantId, changes }, this.txHost.tx);
  }
}
