import { Injectable, OnModuleInit } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { RequestContext } from '../../../common/context';
import { AppError, ValidationError } from '../../../common/errors';
import { UnitOfWork } from '../../../common/events';
import { JobContext, JobDto, JobItemOutcome, Jobs, toJobDto } from '../../../common/jobs';
import type { JsonObject } from '../../../database/json';
import { AuditService } from '../../audit';
import { SubscriptionsService } from '../../billing';
import { QuotaService } from '../../plans';
import { TenantListQueryDto } from '../dto/tenant.dto';
import { TenantLifecycleService } from '../tenant-lifecycle.service';
import { TenantProfileService } from '../tenant-profile.service';
import { TenantQueries } from '../tenant-queries.service';
import { BULK_MAX_TENANTS, BulkChangePlanDto, BulkExtendTrialDto, BulkTagDto, BulkTenantActionDto, BulkTenantFilterDto } from './bulk.dto';

/** The bulk actions on tenants; each is the job type `tenants.bulk_<action>`. */
export const BULK_ACTIONS = ['suspend', 'activate', 'extend_trial', 'change_plan', 'tag'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

/** Job type of a bulk action. */
export const bulkJobType = (action: BulkAction): string => `tenants.bulk_${action}`;

/** What a bulk job stores as its params (validated at request time; the tenant set is fixed then). */
interface BulkParams {
  action: BulkAction;
  tenantIds: string[];
  reason: string;
  dryRun: boolean;
  days?: number;
  trialEndsAt?: string;
  planCode?: string;
  interval?: 'month' | 'year';
  effective?: 'now' | 'period_end';
  add?: string[];
  remove?: string[];
}

/**
 * Domain errors that mean "nothing to do for this tenant" (skipped), per action; any other
 * domain error fails the item with its code. The rules are the single-tenant routes' own.
 */
const SKIP_CODES: Record<BulkAction, readonly string[]> = {
  suspend: ['tenant_already_suspended'],
  activate: ['tenant_not_suspended'],
  extend_trial: ['not_in_trial'],
  change_plan: ['plan_unchanged'],
  tag: [],
};

/** A tenant the action leaves as it is (its tags would not change). */
class NothingToChange extends Error {}

/** Carries a dry run's would-be change out of the transaction that is then rolled back. */
class DryRunRollback extends Error {
  constructor(readonly detail: JsonObject) {
    super('dry run: rolled back');
  }
}

/** Bookkeeping fields that change with every write; an item's detail shows what the action changed. */
const BOOKKEEPING = new Set(['updatedAt', 'version']);

/** Top-level fields whose values differ between two noted states: `{ field: { before, after } }` (bookkeeping fields left out). */
export function changedFields(before: unknown, after: unknown): JsonObject {
  const b = (before && typeof before === 'object' ? before : {}) as Record<string, unknown>;
  const a = (after && typeof after === 'object' ? after : {}) as Record<string, unknown>;
  const out: JsonObject = {};
  for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
    if (BOOKKEEPING.has(key)) continue;
    if (JSON.stringify(b[key]) !== JSON.stringify(a[key])) out[key] = { before: (b[key] ?? null) as never, after: (a[key] ?? null) as never };
  }
  return out;
}

/**
 * Bulk tenant actions, always asynchronous and audited: the request fixes the tenant set (ids, or
 * the list filters resolved at once, at most 1,000) and queues a job; the job applies the action
 * tenant by tenant through the same domain services as the single-tenant routes, each tenant in
 * its own transaction with its item result and its audit row, checkpointing between tenants (a
 * cancel stops there; a crashed or retried run resumes after the last recorded tenant). A dry run
 * goes through the same code and rolls every tenant back.
 */
@Injectable()
export class TenantBulkActions implements OnModuleInit {
  constructor(
    private readonly jobs: Jobs,
    private readonly uow: UnitOfWork,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly context: RequestContext,
    private readonly audit: AuditService,
    private readonly queries: TenantQueries,
    private readonly lifecycle: TenantLifecycleService,
    private readonly profile: TenantProfileService,
    private readonly subscriptions: SubscriptionsService,
    private readonly quotas: QuotaService,
  ) {}

  onModuleInit(): void {
    for (const action of BULK_ACTIONS) this.jobs.register<BulkParams>(bulkJobType(action), { run: (ctx) => this.run(ctx) });
  }

  /**
   * Queues a bulk action (in the request's transaction: no job without its request's audit row).
   * @throws ValidationError naming `tenantIds`/`filter` (both or neither given, a filter matching
   *   none or more than 1,000), `add` (tag with nothing to add or remove) | UnprocessableError
   *   `plan_unavailable`
   */
  async request(action: BulkAction, dto: BulkTenantActionDto): Promise<JobDto> {
    if ((dto.tenantIds === undefined) === (dto.filter === undefined)) {
      throw new ValidationError([{ field: 'tenantIds', message: 'give exactly one of tenantIds and filter' }]);
    }
    const params: BulkParams = { action, tenantIds: dto.tenantIds ?? (await this.resolve(dto.filter!)), reason: dto.reason, dryRun: dto.dryRun === true };
    if (action === 'extend_trial') {
      const d = dto as BulkExtendTrialDto;
      if ((d.days === undefined) === (d.trialEndsAt === undefined)) throw new ValidationError([{ field: 'days', message: 'give exactly one of days and trialEndsAt' }]);
      Object.assign(params, d.days !== undefined ? { days: d.days } : { trialEndsAt: d.trialEndsAt!.toISOString() });
    } else if (action === 'change_plan') {
      const d = dto as BulkChangePlanDto;
      await this.quotas.activePlan(d.planCode);
      Object.assign(params, { planCode: d.planCode, ...(d.interval ? { interval: d.interval } : {}), ...(d.effective ? { effective: d.effective } : {}) });
    } else if (action === 'tag') {
      const d = dto as BulkTagDto;
      if (!d.add?.length && !d.remove?.length) throw new ValidationError([{ field: 'add', message: 'give tags to add and/or to remove' }]);
      const both = (d.add ?? []).filter((t) => d.remove?.includes(t));
      if (both.length) throw new ValidationError([{ field: 'remove', message: `a tag cannot be added and removed at once: ${both.join(', ')}` }]);
      Object.assign(params, { add: d.add ?? [], remove: d.remove ?? [] });
    }
    const job = await this.jobs.enqueue({ type: bulkJobType(action), tenantId: null, params: params as unknown as JsonObject, total: params.tenantIds.length });
    this.context.noteAudit({ resourceType: 'job', resourceId: job.id, metadata: { action, dryRun: params.dryRun, tenants: params.tenantIds.length, reason: dto.reason } });
    return toJobDto(job);
  }

  /** The tenants the list filters match now, in the list's default order (newest first). */
  private async resolve(filter: BulkTenantFilterDto): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const query = Object.assign(new TenantListQueryDto(), filter, { limit: 100, sort: 'createdAt', order: 'desc', ...(cursor ? { cursor } : {}) });
      const page = await this.queries.list(query);
      if (page.meta.total > BULK_MAX_TENANTS) {
        throw new ValidationError([{ field: 'filter', message: `the filter matches ${page.meta.total} tenants; a bulk action takes at most ${BULK_MAX_TENANTS} — narrow it` }]);
      }
      ids.push(...page.data.map((t) => t.id));
      if (!page.meta.nextCursor) break;
      cursor = page.meta.nextCursor;
    }
    if (!ids.length) throw new ValidationError([{ field: 'filter', message: 'the filter matches no tenant' }]);
    return ids;
  }

  /** One run of a bulk job: the tenants not yet recorded, in order. Returns counts per outcome. */
  private async run(ctx: JobContext<BulkParams>): Promise<JsonObject> {
    const p = ctx.params;
    const recorded = await ctx.recordedItems();
    let done = recorded.size;
    await ctx.checkpoint(done, p.tenantIds.length);
    for (const [seq, tenantId] of p.tenantIds.entries()) {
      if (recorded.has(tenantId)) continue;
      if (p.dryRun) await this.simulate(ctx, seq, tenantId);
      else await this.applyOne(ctx, seq, tenantId);
      done += 1;
      await ctx.checkpoint(done);
    }
    const rows: { outcome: JobItemOutcome; n: number }[] = await this.txHost.tx.query(`SELECT outcome, count(*)::int AS n FROM job_items WHERE job_id = $1 GROUP BY outcome`, [ctx.job.id]);
    return { action: p.action, dryRun: p.dryRun, tenants: p.tenantIds.length, outcomes: Object.fromEntries(rows.map((r) => [r.outcome, r.n])) };
  }

  /** Applies the action to one tenant: the change, its item and its audit row commit together. */
  private async applyOne(ctx: JobContext<BulkParams>, seq: number, tenantId: string): Promise<void> {
    const p = ctx.params;
    try {
      await this.uow.run(async () => {
        const { note } = await this.context.captureAuditNote(() => this.apply(p, tenantId));
        const detail = changedFields(note.before, note.after);
        await ctx.recordItem({ seq, key: tenantId, outcome: 'ok', detail });
        await this.audit.record({
          channel: 'job',
          action: bulkJobType(p.action),
          module: 'tenants',
          resourceType: note.resourceType ?? 'tenant',
          resourceId: note.resourceId ?? tenantId,
          tenantId,
          changes: { before: (note.before ?? null) as never, after: (note.after ?? null) as never },
          metadata: { jobId: ctx.job.id, reason: p.reason },
        });
      });
    } catch (err) {
      const outcome = this.failureOf(p.action, err);
      await this.uow.run(() => ctx.recordItem({ seq, key: tenantId, ...outcome, outcome: outcome.skip ? 'skipped' : 'failed' }));
    }
  }

  /** Runs the action on one tenant and rolls it back: what would change, be skipped or fail. */
  private async simulate(ctx: JobContext<BulkParams>, seq: number, tenantId: string): Promise<void> {
    const p = ctx.params;
    let item: { outcome: JobItemOutcome; code?: string | null; message?: string | null; detail?: JsonObject | null };
    try {
      await this.uow.run(async () => {
        const { note } = await this.context.captureAuditNote(() => this.apply(p, tenantId));
        throw new DryRunRollback(changedFields(note.before, note.after));
      });
      throw new Error('a dry run must roll back');
    } catch (err) {
      if (err instanceof DryRunRollback) item = { outcome: 'would_change', detail: err.detail };
      else {
        const outcome = this.failureOf(p.action, err);
        item = { ...outcome, outcome: outcome.skip ? 'would_skip' : 'would_fail' };
      }
    }
    await this.uow.run(() => ctx.recordItem({ seq, key: tenantId, ...item }));
  }

  /** A domain error as an item outcome; anything else is a bug and fails the job. */
  private failureOf(action: BulkAction, err: unknown): { skip: boolean; code: string | null; message: string } {
    if (err instanceof NothingToChange) return { skip: true, code: null, message: err.message };
    if (err instanceof AppError) return { skip: SKIP_CODES[action].includes(err.code), code: err.code, message: err.detail };
    throw err;
  }

  /** The single-tenant domain operation of `action`. */
  private async apply(p: BulkParams, tenantId: string): Promise<void> {
    switch (p.action) {
      case 'suspend':
        await this.lifecycle.suspend(tenantId, p.reason);
        return;
      case 'activate':
        await this.lifecycle.activate(tenantId, p.reason);
        return;
      case 'extend_trial':
        await this.subscriptions.extendTrial(tenantId, { reason: p.reason, ...(p.days !== undefined ? { days: p.days } : { trialEndsAt: new Date(p.trialEndsAt!) }) });
        return;
      case 'change_plan':
        await this.subscriptions.changePlan(tenantId, { planCode: p.planCode!, interval: p.interval, effective: p.effective, preview: false });
        return;
      case 'tag': {
        const tenant = await this.queries.get(tenantId);
        const tags = [...new Set([...tenant.tags.filter((t) => !p.remove!.includes(t)), ...p.add!])];
        if (tags.length === tenant.tags.length && tags.every((t) => tenant.tags.includes(t))) throw new NothingToChange('its tags would not change');
        if (tags.length > 20) throw new ValidationError([{ field: 'add', message: `the tenant would have ${tags.length} tags; at most 20` }]);
        await this.profile.update(tenantId, { tags }, undefined);
        return;
      }
    }
  }
}

