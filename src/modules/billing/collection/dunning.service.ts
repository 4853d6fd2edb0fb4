import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { RequestContext } from '../../../common/context';
import { NotFoundError } from '../../../common/errors';
import { EventBus } from '../../../common/events';
import { Page, toPage } from '../../../common/http';
import { addDays } from '../../../common/time';
import { TenantScopedRepository } from '../../../database/tenant-scoped.repository';
import { AuditService } from '../../audit';
import { QuotaService } from '../../plans';
import { BillingEnforcementDto, DunningCaseDto, DunningCaseListQueryDto } from '../dto/dunning.dto';
import { BillingAccount } from '../entities/billing-account.entity';
import { DEFAULT_GRACE_DAYS, DEFAULT_RETRY_DAYS, DunningCase, DunningPolicy } from '../entities/dunning.entity';
import { Subscription } from '../entities/subscription.entity';
import { EntitlementChangedEvent } from '../events/module.events';
import { SubscriptionPastDueEvent, SubscriptionReactivatedEvent, SubscriptionSuspendedEvent } from '../events/subscription.events';
import { eventPayload } from '../subscription-payload';
import { MrrRecorder } from '../revenue/mrr-recorder';

/** The dunning policy in force: retry days after the first failure and grace days before enforcement. */
export interface DunningPolicyValues {
  retryDays: number[];
  graceDays: number;
}

/**
 * Dunning (Stripe's smart-retry schedule, Chargebee's dunning policy), per invoice and enforced
 * per subscription — never per tenant:
 * - the first failed collection of an invoice opens its case: every subscription it bills that is
 *   active turns `past_due` (still in service) and retries are scheduled at the policy's days after
 *   that failure;
 * - after the last failed retry and `graceDays`, each subscription the invoice bills is suspended:
 *   a module subscription turns only that module off; the plan subscription suspends the tenant
 *   (billing suspension: admins read, nobody writes). A tenant whose plan period is paid is
 *   therefore never suspended for an unpaid module invoice. Staff can pause enforcement per tenant;
 * - paying (or voiding) the invoice recovers at once, in the paying transaction: the case closes
 *   and its subscriptions return to active unless another unpaid invoice still holds them.
 * Every method runs in the caller's transaction, with its events and audit rows.
 */
@Injectable()
export class DunningService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly events: EventBus,
    private readonly quotas: QuotaService,
    private readonly audit: AuditService,
    private readonly context: RequestContext,
    private readonly mrr: MrrRecorder,
  ) {}

  /** The policy in force (the defaults until staff change it). */
  async policy(): Promise<DunningPolicyValues & { updatedAt: Date | null }> {
    const row = await this.txHost.tx.getRepository(DunningPolicy).findOneBy({ id: 1 });
    return row ? { retryDays: row.retryDays, graceDays: row.graceDays, updatedAt: row.updatedAt } : { retryDays: DEFAULT_RETRY_DAYS, graceDays: DEFAULT_GRACE_DAYS, updatedAt: null };
  }

  /** Replaces the policy (staff). Days are sorted ascending and de-duplicated. */
  async setPolicy(values: DunningPolicyValues, staffId: string | null): Promise<DunningPolicyValues & { updatedAt: Date | null }> {
    const retryDays = [...new Set(values.retryDays)].sort((a, b) => a - b);
    await this.txHost.tx.getRepository(DunningPolicy).upsert({ id: 1, retryDays, graceDays: values.graceDays, updatedBy: staffId }, ['id']);
    return this.policy();
  }

  private cases(tenantId: string) {
    return new TenantScopedRepository(this.txHost.tx, DunningCase, tenantId);
  }

  /** The case of an invoice, locked, or null. */
  async caseOf(tenantId: string, invoiceId: string): Promise<DunningCase | null> {
    return this.cases(tenantId).queryBuilder('c').andWhere('c.invoice_id = :invoiceId', { invoiceId }).setLock('pessimistic_write').getOne();
  }

  /**
   * Records a failed collection of the invoice at `at`: opens its case (subscriptions → past_due)
   * or, for a scheduled retry, counts it and schedules the next one — or, when none is left,
   * sets the enforcement date. Returns the next retry instant (null when none is left).
   */
  async recordFailure(tenantId: string, invoiceId: string, at: Date, failureCode: string, isRetry: boolean): Promise<Date | null> {
    const policy = await this.policy();
    let dunning = await this.caseOf(tenantId, invoiceId);
    if (!dunning) {
      dunning = await this.cases(tenantId).insertOne({ invoiceId, status: 'retrying', startedAt: at, retries: 0, nextRetryAt: null, lastFailureCode: failureCode, enforceAt: null, enforcedAt: null, resolvedAt: null });
      await this.markPastDue(tenantId, invoiceId);
      await this.auditJob(tenantId, 'billing.dunning_started', invoiceId, { failureCode });
    } else if (dunning.status !== 'retrying') {
      return null;
    } else if (isRetry) {
      dunning.retries += 1;
    }
    const nextDay = policy.retryDays[dunning.retries];
    const patch: Partial<DunningCase> =
      nextDay !== undefined
        ? { retries: dunning.retries, lastFailureCode: failureCode, nextRetryAt: addDays(dunning.startedAt, nextDay) }
        : { retries: dunning.retries, lastFailureCode: failureCode, nextRetryAt: null, status: 'exhausted', enforceAt: addDays(at, policy.graceDays) };
    await this.cases(tenantId).update({ id: dunning.id }, patch);
    if (patch.status === 'exhausted') await this.auditJob(tenantId, 'billing.dunning_exhausted', invoiceId, { retries: dunning.retries, enforceAt: patch.enforceAt!.toISOString() });
    return patch.nextRetryAt ?? null;
  }

  /** Clears the next retry while one is being collected (so two runs never retry twice). */
  async retryStarted(dunning: DunningCase): Promise<void> {
    await this.cases(dunning.tenantId).update({ id: dunning.id }, { nextRetryAt: null });
  }

  /**
   * Acts on an exhausted case whose enforcement date has come, unless staff paused enforcement for
   * the tenant (then it waits, and acts on the first run after the pause is lifted).
   * Returns whether it acted.
   */
  async enforce(dunning: DunningCase, now: Date): Promise<boolean> {
    if (dunning.status !== 'exhausted' || !dunning.enforceAt || dunning.enforceAt > now) return false;
    const account = await new TenantScopedRepository(this.txHost.tx, BillingAccount, dunning.tenantId).findOne({});
    if (account?.enforcementPaused) return false;
    const subs = await this.subscriptionsBilledBy(dunning.tenantId, dunning.invoiceId, ['active', 'past_due']);
    const modules: string[] = [];
    for (const sub of subs) {
      const saved = await this.setStatus(sub, 'suspended');
      if (sub.kind === 'plan') await this.quotas.setBillingState(sub.tenantId, { billingStatus: 'suspended', trialEndsAt: saved.trialEndsAt, currentPeriodEndsAt: saved.currentPeriodEnd, licenses: saved.quantity });
      else modules.push(sub.itemCode);
      await this.events.publish(new SubscriptionSuspendedEvent(sub.tenantId, { ...eventPayload(saved), invoiceId: dunning.invoiceId, tenantSuspended: sub.kind === 'plan' }));
    }
    if (modules.length) await this.events.publish(new EntitlementChangedEvent(dunning.tenantId, { moduleCodes: modules, cause: 'subscription.suspended' }));
    await this.cases(dunning.tenantId).update({ id: dunning.id }, { status: 'enforced', enforcedAt: now });
    if (subs.length) await this.mrr.record(dunning.tenantId, 'subscription.suspended');
    await this.auditJob(dunning.tenantId, 'billing.dunning_enforced', dunning.invoiceId, { subscriptions: subs.map((s) => ({ id: s.id, kind: s.kind, itemCode: s.itemCode })) });
    return true;
  }

  /**
   * The invoice no longer needs collecting (paid in full: `recovered`; voided: `closed`): closes
   * its case and returns its subscriptions from past_due or suspended to active, unless another
   * unpaid invoice still holds them. Runs in the transaction that paid or voided the invoice.
   * Returns the subscriptions reactivated.
   */
  async resolve(tenantId: string, invoiceId: string, now: Date, outcome: 'recovered' | 'closed'): Promise<Subscription[]> {
    const dunning = await this.caseOf(tenantId, invoiceId);
    if (!dunning || dunning.status === 'recovered' || dunning.status === 'closed') return [];
    await this.cases(tenantId).update({ id: dunning.id }, { status: outcome, resolvedAt: now, nextRetryAt: null });
    const reactivated: Subscription[] = [];
    const modules: string[] = [];
    for (const sub of await this.subscriptionsBilledBy(tenantId, invoiceId, ['past_due', 'suspended'])) {
      if (await this.stillHeld(sub, invoiceId)) continue;
      const saved = await this.setStatus(sub, 'active');
      if (sub.kind === 'plan') await this.quotas.setBillingState(tenantId, { billingStatus: 'active', trialEndsAt: saved.trialEndsAt, currentPeriodEndsAt: saved.currentPeriodEnd, licenses: saved.quantity });
      else if (sub.status === 'suspended') modules.push(sub.itemCode);
      await this.events.publish(new SubscriptionReactivatedEvent(tenantId, { ...eventPayload(saved), invoiceId, previousStatus: sub.status }));
      reactivated.push(saved);
    }
    if (modules.length) await this.events.publish(new EntitlementChangedEvent(tenantId, { moduleCodes: modules, cause: 'subscription.reactivated' }));
    if (reactivated.length) await this.mrr.record(tenantId, 'subscription.reactivated');
    await this.auditJob(tenantId, outcome === 'recovered' ? 'billing.dunning_recovered' : 'billing.dunning_closed', invoiceId, {
      reactivated: reactivated.map((s) => ({ id: s.id, kind: s.kind, itemCode: s.itemCode })),
    });
    return reactivated;
  }

  /** Invoices in dunning, newest first (staff). */
  async listCases(query: DunningCaseListQueryDto): Promise<Page<DunningCaseDto>> {
    const qb = this.txHost.tx.getRepository(DunningCase).createQueryBuilder('c');
    if (query.status) qb.andWhere('c.status = :status', { status: query.status });
    if (query.tenantId) qb.andWhere('c.tenant_id = :tenantId', { tenantId: query.tenantId });
    const [rows, total] = await qb.orderBy('c.started_at', 'DESC').addOrderBy('c.id', 'DESC').take(query.limit).skip(query.offset).getManyAndCount();
    const numbers: { id: string; number: string | null }[] = rows.length ? await this.txHost.tx.query(`SELECT id, number FROM invoices WHERE id = ANY($1::uuid[])`, [rows.map((r) => r.invoiceId)]) : [];
    const byId = new Map(numbers.map((n) => [n.id, n.number]));
    const iso = (d: Date | null) => d?.toISOString() ?? null;
    return toPage(
      rows.map((c) => ({
        id: c.id,
        tenantId: c.tenantId,
        invoiceId: c.invoiceId,
        invoiceNumber: byId.get(c.invoiceId) ?? null,
        status: c.status,
        startedAt: c.startedAt.toISOString(),
        retries: c.retries,
        nextRetryAt: iso(c.nextRetryAt),
        lastFailureCode: c.lastFailureCode,
        enforceAt: iso(c.enforceAt),
        enforcedAt: iso(c.enforcedAt),
        resolvedAt: iso(c.resolvedAt),
      })),
      total,
      query,
    );
  }

  /** Whether dunning enforcement is paused for the tenant. */
  async enforcement(tenantId: string): Promise<BillingEnforcementDto> {
    const account = await new TenantScopedRepository(this.txHost.tx, BillingAccount, tenantId).findOne({});
    return {
      tenantId,
      enforcementPaused: account?.enforcementPaused ?? false,
      reason: account?.enforcementPausedReason ?? null,
      pausedAt: account?.enforcementPausedAt?.toISOString() ?? null,
      pausedBy: account?.enforcementPausedBy ?? null,
    };
  }

  /**
   * Pauses or resumes dunning enforcement for a tenant (staff; audited with the reason).
   * @throws NotFoundError `tenant_not_found`
   */
  async setEnforcement(tenantId: string, paused: boolean, reason: string, staffId: string | null, now: Date): Promise<BillingEnforcementDto> {
    const [tenant]: unknown[] = await this.txHost.tx.query(`SELECT 1 FROM tenants WHERE id = $1 AND status <> 'deleted'`, [tenantId]);
    if (!tenant) throw new NotFoundError('Tenant', tenantId);
    const before = await this.enforcement(tenantId);
    await this.txHost.tx.query(
      `INSERT INTO billing_accounts (tenant_id, enforcement_paused, enforcement_paused_reason, enforcement_paused_at, enforcement_paused_by, updated_at)
       VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT (tenant_id) DO UPDATE SET enforcement_paused = EXCLUDED.enforcement_paused, enforcement_paused_reason = EXCLUDED.enforcement_paused_reason,
         enforcement_paused_at = EXCLUDED.enforcement_paused_at, enforcement_paused_by = EXCLUDED.enforcement_paused_by, updated_at = now()`,
      [tenantId, paused, reason, paused ? now : null, paused ? staffId : null],
    );
    const after = await this.enforcement(tenantId);
    this.context.noteAudit({ tenantId, resourceType: 'billing_account', resourceId: tenantId, before, after, metadata: { reason } });
    return after;
  }

  /** Cases whose next retry is due, or whose enforcement date has come: ids in batches. */
  async dueCaseIds(now: Date): Promise<{ retries: { id: string; tenant_id: string }[]; enforcements: { id: string; tenant_id: string }[] }> {
    const [retries, enforcements] = await Promise.all([
      this.txHost.tx.query(`SELECT id, tenant_id FROM dunning_cases WHERE status = 'retrying' AND next_retry_at <= $1 ORDER BY next_retry_at LIMIT 500`, [now]),
      this.txHost.tx.query(`SELECT id, tenant_id FROM dunning_cases WHERE status = 'exhausted' AND enforce_at <= $1 ORDER BY enforce_at LIMIT 500`, [now]),
    ]);
    return { retries, enforcements };
  }

  /** A case locked FOR UPDATE (SKIP LOCKED: another run has it), or null. */
  async lockCase(tenantId: string, id: string): Promise<DunningCase | null> {
    return this.cases(tenantId).queryBuilder('c').andWhere('c.id = :id', { id }).setLock('pessimistic_write').setOnLocked('skip_locked').getOne();
  }

  private async markPastDue(tenantId: string, invoiceId: string): Promise<void> {
    const subs = await this.subscriptionsBilledBy(tenantId, invoiceId, ['active']);
    for (const sub of subs) {
      const saved = await this.setStatus(sub, 'past_due');
      if (sub.kind === 'plan') await this.quotas.setBillingState(tenantId, { billingStatus: 'past_due', trialEndsAt: saved.trialEndsAt, currentPeriodEndsAt: saved.currentPeriodEnd, licenses: saved.quantity });
      await this.events.publish(new SubscriptionPastDueEvent(tenantId, { ...eventPayload(saved), invoiceId }));
    }
    // Past due keeps its MRR; the subscription history still records the change.
    if (subs.length) await this.mrr.record(tenantId, 'subscription.past_due');
  }

  /** Whether another unresolved case (other than `invoiceId`'s) bills this subscription. */
  private async stillHeld(sub: Subscription, invoiceId: string): Promise<boolean> {
    const rows: unknown[] = await this.txHost.tx.query(
      `SELECT 1 FROM dunning_cases c JOIN invoice_lines l ON l.invoice_id = c.invoice_id
       WHERE c.tenant_id = $1 AND c.invoice_id <> $2 AND c.status IN ('retrying', 'exhausted', 'enforced') AND l.subscription_id = $3 LIMIT 1`,
      [sub.tenantId, invoiceId, sub.id],
    );
    return rows.length > 0;
  }

  /** The subscriptions the invoice bills (its lines name them) in one of `statuses`, locked. */
  private async subscriptionsBilledBy(tenantId: string, invoiceId: string, statuses: string[]): Promise<Subscription[]> {
    return new TenantScopedRepository(this.txHost.tx, Subscription, tenantId)
      .queryBuilder('s')
      .andWhere(`s.id IN (SELECT l.subscription_id FROM invoice_lines l WHERE l.invoice_id = :invoiceId AND l.subscription_id IS NOT NULL)`, { invoiceId })
      .andWhere('s.status IN (:...statuses)', { statuses })
      .orderBy('s.kind', 'DESC')
      .setLock('pessimistic_write')
      .getMany();
  }

  private async setStatus(sub: Subscription, status: Subscription['status']): Promise<Subscription> {
    const repo = new TenantScopedRepository(this.txHost.tx, Subscription, sub.tenantId);
    return (await repo.updateOne({ id: sub.id }, { status }))!;
  }

  private auditJob(tenantId: string, action: string, invoiceId: string, changes: Record<string, unknown>): Promise<void> {
    return this.audit.record({ channel: 'job', action, module: 'billing', resourceType: 'invoice', resourceId: invoiceId, tenantId, changes }, this.txHost.tx);
  }
}
