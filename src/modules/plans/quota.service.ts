import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/time';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { NotFoundError, UnprocessableError } from '../../common/errors';
import { EventBus, UnitOfWork } from '../../common/events';
import { QuotaUpdatedEvent } from './events/plan.events';
import { Plan, PlanLimits, QuotaMetric } from './entities/plan.entity';
import { BillingStatus, TenantQuota } from './entities/tenant-quota.entity';
import { METRIC_CODES, metricDefinition, periodOf } from './metrics';
import { QuotaExceededError } from './quota.errors';
import { UsageLedger } from './usage-ledger';

/**
 * One metric's allowance: effective limit (null = unlimited), usage and what is left. A metric
 * that resets (monthly) also carries its current period: `periodStart` (inclusive) and
 * `periodEnd` (exclusive), ISO 8601 UTC instants; a level (seats, projects) has none.
 */
export interface Allowance {
  metric: QuotaMetric;
  limit: number | null;
  used: number;
  remaining: number | null;
  periodStart?: string;
  periodEnd?: string;
}

/** Effective limit of a metric: the tenant's override when the key is present, else the plan's (issue 3 §1). */
export function effectiveLimit(plan: PlanLimits, overrides: PlanLimits, metric: QuotaMetric, licenses: number | null = null): number | null {
  if (Object.prototype.hasOwnProperty.call(overrides, metric)) return overrides[metric] ?? null;
  if (metric === LICENSED_METRIC && licenses !== null) return licenses;
  return plan[metric] ?? null;
}

/**
 * The metric that licenses (paid user seats) set: the licensed seat count is the tenant's `members`
 * limit unless a staff override is set (override ?? licenses ?? plan limit).
 */
export const LICENSED_METRIC = 'members' satisfies QuotaMetric;

/** Effective limit of every registry metric (override ?? licenses for members ?? plan), in registry order. */
export function effectiveLimits(plan: PlanLimits, overrides: PlanLimits, licenses: number | null = null): Record<QuotaMetric, number | null> {
  return Object.fromEntries(METRIC_CODES.map((m) => [m, effectiveLimit(plan, overrides, m, licenses)])) as Record<QuotaMetric, number | null>;
}

/**
 * The same rule as {@link effectiveLimit} as a SQL expression, for read models that join
 * `tenant_quotas` and `plans` (aliases `quota`, `plan`) and must not compute it row by row.
 */
export function effectiveLimitSql(metric: QuotaMetric, quota = 'q', plan = 'p'): string {
  const planLimit = `(${plan}.limits->>'${metric}')::int`;
  const fallback = metric === LICENSED_METRIC ? `COALESCE(${quota}.licenses, ${planLimit})` : planLimit;
  return `CASE WHEN ${quota}.limit_overrides ? '${metric}' THEN (${quota}.limit_overrides->>'${metric}')::int ELSE ${fallback} END`;
}

/** A plan of the catalog as billing prices it (prices in minor units of `currency`, per interval). */
export type CatalogPlan = Pick<Plan, 'id' | 'code' | 'name' | 'monthlyPriceCents' | 'annualPriceCents' | 'seatMonthlyPriceCents' | 'seatAnnualPriceCents' | 'currency' | 'isActive' | 'limits' | 'features'>;

/** The billing state of a tenant's plan subscription that its quota carries for the guards. */
export interface QuotaBillingState {
  billingStatus: BillingStatus;
  trialEndsAt: Date | null;
  currentPeriodEndsAt: Date | null;
  licenses: number | null;
}

interface QuotaRow {
  limits: PlanLimits;
  limit_overrides: PlanLimits;
  licenses: number | null;
  billing_status: BillingStatus;
  trial_ends_at: Date | null;
}

/**
 * The plans context's facade for quotas: creating a tenant's quota, reading allowances and
 * reserving/releasing metered resources in the caller's transaction.
 */
@Injectable()
export class QuotaService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly usage: UsageLedger,
    private readonly uow: UnitOfWork,
    private readonly events: EventBus,
    private readonly clock: Clock,
  ) {}

  /**
   * The active plan with this code, as billing prices it. @throws UnprocessableError
   * `plan_unavailable` (naming `field`) for an unknown or inactive plan.
   */
  async activePlan(planCode: string, field = 'planCode'): Promise<CatalogPlan> {
    const plan = await this.txHost.tx.getRepository(Plan).findOne({ where: { code: planCode } });
    if (!plan || !plan.isActive) throw new UnprocessableError('plan_unavailable', `Plan ${planCode} does not exist or is not active.`, { field });
    return plan;
  }

  /** The plan with this id (active or not: a tenant may stay on a deactivated plan). @throws NotFoundError `plan_not_found` */
  async planById(planId: string): Promise<CatalogPlan> {
    const plan = await this.txHost.tx.getRepository(Plan).findOne({ where: { id: planId } });
    if (!plan) throw new NotFoundError('Plan', planId);
    return plan;
  }

  /** Creates the quota of a new tenant on `plan` with the billing state its plan subscription starts in. */
  async createForTenant(tenantId: string, plan: CatalogPlan, state: QuotaBillingState): Promise<void> {
    await this.txHost.tx.getRepository(TenantQuota).insert({
      tenantId,
      planId: plan.id,
      billingStatus: state.billingStatus,
      trialEndsAt: state.trialEndsAt,
      currentPeriodEndsAt: state.currentPeriodEndsAt,
      licenses: state.licenses,
      limitOverrides: {},
      featureOverrides: {},
    });
  }

  /**
   * Locks the tenant's quota row (FOR UPDATE) for a change of licenses or billing state, and reads
   * the seats in use after the lock: a seat reservation reads its limit under a share lock of the
   * same row (see {@link reserve}), so a license removal and a user creation are serialised and
   * neither can decide on a stale value. @throws NotFoundError `tenant_not_found`
   */
  async lockForBillingChange(tenantId: string): Promise<{ planId: string; licenses: number | null; billingStatus: BillingStatus; membersUsed: number; membersOverride: boolean }> {
    const rows: { plan_id: string; licenses: number | null; billing_status: BillingStatus; overrides: PlanLimits }[] = await this.txHost.tx.query(
      `SELECT plan_id, licenses, billing_status, limit_overrides AS overrides FROM tenant_quotas WHERE tenant_id = $1 FOR UPDATE`,
      [tenantId],
    );
    if (!rows.length) throw new NotFoundError('Tenant', tenantId);
    const used = await this.usage.current(tenantId, this.clock.now());
    const r = rows[0];
    return { planId: r.plan_id, licenses: r.licenses, billingStatus: r.billing_status, membersUsed: used[LICENSED_METRIC], membersOverride: Object.prototype.hasOwnProperty.call(r.overrides, LICENSED_METRIC) };
  }

  /**
   * Writes the billing state of the tenant's plan subscription (status, trial and period ends,
   * licenses, plan) in the caller's transaction, and publishes quota.updated when it changed (its
   * listener mirrors the status into the suspension flag after commit). Billing calls it in the same
   * transaction as the subscription change: one source of truth.
   */
  async setBillingState(tenantId: string, state: QuotaBillingState & { planId?: string }): Promise<void> {
    const before = await this.lockForBillingChange(tenantId);
    const rows: { code: string; billing_status: BillingStatus }[] = await this.txHost.tx.query(
      `UPDATE tenant_quotas q SET billing_status = $2, trial_ends_at = $3, current_period_ends_at = $4, licenses = $5, plan_id = COALESCE($6, q.plan_id), updated_at = now()
       FROM plans p WHERE q.tenant_id = $1 AND p.id = COALESCE($6, q.plan_id) RETURNING p.code, q.billing_status`,
      [tenantId, state.billingStatus, state.trialEndsAt, state.currentPeriodEndsAt, state.licenses, state.planId ?? null],
    );
    const changed = [
      before.billingStatus !== state.billingStatus && 'billingStatus',
      before.licenses !== state.licenses && 'licenses',
      state.planId !== undefined && state.planId !== before.planId && 'planId',
    ].filter((c): c is string => typeof c === 'string');
    if (!changed.length) return;
    const limits = await this.limits(tenantId);
    const used = await this.usage.current(tenantId, this.clock.now());
    await this.events.publish(
      new QuotaUpdatedEvent(tenantId, {
        planCode: rows[0].code,
        billingStatus: state.billingStatus,
        previousBillingStatus: before.billingStatus,
        changed,
        overLimit: METRIC_CODES.filter((m) => limits[m] !== null && used[m] > limits[m]!),
      }),
    );
  }

  /**
   * The modules the tenant's plan includes (`plan.features[code] === true`) and the staff feature
   * overrides (code → on/off). @throws NotFoundError `tenant_not_found`
   */
  async features(tenantId: string): Promise<{ planCode: string; included: Record<string, boolean>; overrides: Record<string, boolean> }> {
    const rows: { code: string; features: Record<string, boolean>; feature_overrides: Record<string, boolean> }[] = await this.txHost.tx.query(
      `SELECT p.code, p.features, q.feature_overrides FROM tenant_quotas q JOIN plans p ON p.id = q.plan_id WHERE q.tenant_id = $1`,
      [tenantId],
    );
    if (!rows.length) throw new NotFoundError('Tenant', tenantId);
    return { planCode: rows[0].code, included: rows[0].features, overrides: rows[0].feature_overrides };
  }

  /**
   * The metrics whose current usage would be above their limit if the tenant were on a plan with
   * `planLimits` (its overrides kept; its licenses too, unless `licenses` gives the new count,
   * null for none). @throws NotFoundError `tenant_not_found`
   */
  async overLimitOn(tenantId: string, planLimits: PlanLimits, at = this.clock.now(), licenses?: number | null): Promise<{ metric: QuotaMetric; limit: number | null; used: number }[]> {
    const row = await this.quotaRow(tenantId);
    const used = await this.usage.current(tenantId, at);
    const limits = effectiveLimits(planLimits, row.limit_overrides, licenses === undefined ? row.licenses : licenses);
    return METRIC_CODES.filter((m) => limits[m] !== null && used[m] > limits[m]!).map((metric) => ({ metric, limit: limits[metric], used: used[metric] }));
  }

  /**
   * Every metric's limit and use if the tenant's plan limits and/or its overrides were replaced
   * (its licenses kept), changing nothing. @throws NotFoundError `tenant_not_found`
   */
  async whatIf(tenantId: string, change: { planLimits?: PlanLimits; overrides?: PlanLimits }, at = this.clock.now()): Promise<{ metric: QuotaMetric; limit: number | null; used: number; overLimit: boolean }[]> {
    const row = await this.quotaRow(tenantId);
    const used = await this.usage.current(tenantId, at);
    const limits = effectiveLimits(change.planLimits ?? row.limits, change.overrides ?? row.limit_overrides, row.licenses);
    return METRIC_CODES.map((metric) => ({ metric, limit: limits[metric], used: used[metric], overLimit: limits[metric] !== null && used[metric] > limits[metric]! }));
  }

  /** The effective limit of `metric` for each of `tenantIds` (null: unlimited), in one statement; an unknown tenant is absent. */
  async limitsOf(tenantIds: readonly string[], metric: QuotaMetric): Promise<Map<string, number | null>> {
    const rows: { tenant_id: string; lim: number | null }[] = await this.txHost.tx.query(
      `SELECT q.tenant_id, ${effectiveLimitSql(metric, 'q', 'p')} AS lim FROM tenant_quotas q JOIN plans p ON p.id = q.plan_id WHERE q.tenant_id = ANY($1::uuid[])`,
      [[...tenantIds]],
    );
    return new Map(rows.map((r) => [r.tenant_id, r.lim === null ? null : Number(r.lim)]));
  }

  /** Effective limits of a tenant. @throws NotFoundError */
  async limits(tenantId: string, opts: { lockForShare?: boolean } = {}): Promise<Record<QuotaMetric, number | null>> {
    const row = await this.quotaRow(tenantId, opts.lockForShare);
    return effectiveLimits(row.limits, row.limit_overrides, row.licenses);
  }

  /** Allowance of every registry metric, in its period containing `at` (default now). */
  async allowances(tenantId: string, at = this.clock.now()): Promise<Allowance[]> {
    return (await this.standing(tenantId, at)).allowances;
  }

  /**
   * A tenant's allowances and billing state, in one round trip of latency: its quota and plan in
   * one statement (no entity loading), its usage read in parallel. @throws NotFoundError
   */
  async standing(tenantId: string, at = this.clock.now()): Promise<{ allowances: Allowance[]; billingStatus: BillingStatus; trialEndsAt: Date | null }> {
    const [row, used] = await Promise.all([this.quotaRow(tenantId), this.usage.current(tenantId, at)]);
    const limits = effectiveLimits(row.limits, row.limit_overrides, row.licenses);
    return { allowances: METRIC_CODES.map((metric) => toAllowance(metric, limits[metric], used[metric], at)), billingStatus: row.billing_status, trialEndsAt: row.trial_ends_at };
  }

  /**
   * The tenant's quota row joined to its plan's limits; with `lockForShare` the quota row is read
   * FOR SHARE (a concurrent license or override change waits, and this read sees its result).
   * @throws NotFoundError
   */
  private async quotaRow(tenantId: string, lockForShare = false): Promise<QuotaRow> {
    const rows: QuotaRow[] = await this.txHost.tx.query(
      `SELECT p.limits, q.limit_overrides, q.licenses, q.billing_status, q.trial_ends_at FROM tenant_quotas q JOIN plans p ON p.id = q.plan_id WHERE q.tenant_id = $1${lockForShare ? ' FOR SHARE OF q' : ''}`,
      [tenantId],
    );
    if (!rows.length) throw new NotFoundError('Tenant', tenantId);
    return rows[0];
  }

  /** Allowance of one metric (for `meta.quota` of list endpoints). */
  async allowance(tenantId: string, metric: QuotaMetric): Promise<Allowance> {
    return (await this.allowances(tenantId)).find((a) => a.metric === metric)!;
  }

  /**
   * Reserves `amount` of a metric in its current period, atomically (one conditional upsert in
   * the caller's transaction, run right before its COMMIT — UnitOfWork.beforeCommit): N
   * concurrent reservations with k left succeed exactly k times.
   * @throws QuotaExceededError (402 `quota_exceeded` { metric, limit, used }), at once outside a
   * unit of work, else when the unit commits (rolling it back) | NotFoundError
   */
  async reserve(tenantId: string, metric: QuotaMetric, amount = 1): Promise<void> {
    const at = this.clock.now();
    // The counter's conditional UPDATE is the last statement before COMMIT, so its row lock (which
    // serialises the tenant's concurrent reservations) is held for one round trip. The limit is
    // read right before it under a share lock of the quota row: a concurrent license removal or
    // override change (which locks that row FOR UPDATE) is either seen or waits for this commit.
    await this.uow.beforeCommit(async () => {
      const limit = (await this.limits(tenantId, { lockForShare: true }))[metric];
      const { ok, used } = await this.usage.tryAdd(tenantId, metric, amount, limit, at);
      if (!ok) throw new QuotaExceededError(metric, limit ?? 0, used);
    });
  }

  /** Gives back `amount` of a metric in its current period (resource deleted or deactivated). */
  async release(tenantId: string, metric: QuotaMetric, amount = 1): Promise<void> {
    await this.usage.subtract(tenantId, metric, amount, this.clock.now());
  }
}

/**
 * Builds an {@link Allowance}; `remaining` is never negative (a lowered limit may be passed). A
 * metric that resets gets the period containing `at` (the period its `used` was read in).
 */
export function toAllowance(metric: QuotaMetric, limit: number | null, used: number, at: Date): Allowance {
  const allowance: Allowance = { metric, limit, used, remaining: limit === null ? null : Math.max(0, limit - used) };
  if (metricDefinition(metric).reset !== 'never') {
    const period = periodOf(metric, at);
    allowance.periodStart = `${period.start}T00:00:00.000Z`;
    allowance.periodEnd = `${period.end}T00:00:00.000Z`;
  }
  return allowance;
}
