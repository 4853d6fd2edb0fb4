import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/time';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { RequestContext } from '../../common/context';
import { NotFoundError, UnprocessableError } from '../../common/errors';
import { EventBus } from '../../common/events';
import { TenantAllowancesDto, TenantQuotaDto, UpdateTenantQuotaDto } from './dto/quota.dto';
import { Plan, PlanLimits } from './entities/plan.entity';
import { TenantQuota } from './entities/tenant-quota.entity';
import { QuotaUpdatedEvent } from './events/plan.events';
import { METRIC_CODES, pickMetrics } from './metrics';
import { effectiveLimits, QuotaService, toAllowance } from './quota.service';
import { UsageLedger } from './usage-ledger';

/** Reads and changes one tenant's quota (staff), and shows a tenant its allowances. */
@Injectable()
export class TenantQuotaService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly usage: UsageLedger,
    private readonly events: EventBus,
    private readonly context: RequestContext,
    private readonly quotas: QuotaService,
    private readonly clock: Clock,
  ) {}

  /** @throws NotFoundError `tenant_not_found` when the tenant has no quota. */
  async get(tenantId: string): Promise<TenantQuotaDto> {
    const { quota, plan } = await this.load(tenantId);
    return this.toDto(quota, plan);
  }

  /**
   * Applies a quota change. Lowering a limit below usage is allowed: the response lists the
   * metrics now over their limit. Emits quota.updated (its listener mirrors billingStatus =
   * suspended into the suspension flag after commit).
   * @throws NotFoundError | UnprocessableError `plan_unavailable`
   */
  async update(tenantId: string, dto: UpdateTenantQuotaDto): Promise<TenantQuotaDto> {
    const { quota: before, plan: beforePlan } = await this.load(tenantId, true);
    const patch: Partial<TenantQuota> = {};
    let plan = beforePlan;
    if (dto.planCode !== undefined && dto.planCode !== beforePlan.code) {
      const next = await this.txHost.tx.getRepository(Plan).findOne({ where: { code: dto.planCode } });
      if (!next || !next.isActive) throw new UnprocessableError('plan_unavailable', `Plan ${dto.planCode} does not exist or is not active.`, { field: 'planCode' });
      patch.planId = next.id;
      plan = next;
    }
    if (dto.limitOverrides !== undefined) {
      patch.limitOverrides = Object.fromEntries(Object.entries(dto.limitOverrides).filter(([, v]) => v !== undefined)) as PlanLimits;
    }
    if (dto.featureOverrides !== undefined) patch.featureOverrides = dto.featureOverrides;
    if (dto.externalCustomerId !== undefined) patch.externalCustomerId = dto.externalCustomerId;
    if (dto.notes !== undefined) patch.notes = dto.notes;
    const changed = Object.keys(patch).filter((k) => JSON.stringify(patch[k as keyof TenantQuota]) !== JSON.stringify(before[k as keyof TenantQuota]));
    if (changed.length) await this.txHost.tx.getRepository(TenantQuota).update({ tenantId }, patch);
    const { quota: after } = await this.load(tenantId);
    const dtoAfter = await this.toDto(after, plan);
    if (changed.length) {
      await this.events.publish(
        new QuotaUpdatedEvent(tenantId, {
          planCode: plan.code,
          billingStatus: after.billingStatus,
          previousBillingStatus: before.billingStatus,
          changed,
          overLimit: dtoAfter.overLimit.map((a) => a.metric),
        }),
      );
    }
    this.context.noteAudit({ tenantId, resourceId: tenantId, before: await this.toDto(before, beforePlan), after: dtoAfter });
    return dtoAfter;
  }

  /** The caller's tenant allowances (tenant side). */
  async forTenant(tenantId: string): Promise<TenantAllowancesDto> {
    const { allowances, billingStatus, trialEndsAt } = await this.quotas.standing(tenantId);
    return { data: allowances, billingStatus, trialEndsAt: trialEndsAt?.toISOString() ?? null };
  }

  private async load(tenantId: string, lock = false): Promise<{ quota: TenantQuota; plan: Plan }> {
    const qb = this.txHost.tx.getRepository(TenantQuota).createQueryBuilder('q').where('q.tenant_id = :tenantId', { tenantId });
    if (lock) qb.setLock('pessimistic_write');
    const quota = await qb.getOne();
    if (!quota) throw new NotFoundError('Tenant', tenantId);
    const plan = await this.txHost.tx.getRepository(Plan).findOneByOrFail({ id: quota.planId });
    return { quota, plan };
  }

  private async toDto(quota: TenantQuota, plan: Plan): Promise<TenantQuotaDto> {
    const at = this.clock.now();
    const used = await this.usage.current(quota.tenantId, at);
    const limits = effectiveLimits(plan.limits, quota.limitOverrides, quota.licenses);
    const allowances = METRIC_CODES.map((m) => toAllowance(m, limits[m], used[m], at));
    return {
      tenantId: quota.tenantId,
      plan: { id: plan.id, code: plan.code, name: plan.name },
      limitOverrides: pickMetrics(quota.limitOverrides),
      featureOverrides: quota.featureOverrides,
      effectiveLimits: limits,
      features: { ...plan.features, ...quota.featureOverrides },
      billingStatus: quota.billingStatus,
      trialEndsAt: quota.trialEndsAt?.toISOString() ?? null,
      currentPeriodEndsAt: quota.currentPeriodEndsAt?.toISOString() ?? null,
      externalCustomerId: quota.externalCustomerId,
      notes: quota.notes,
      allowances,
      overLimit: allowances.filter((a) => a.limit !== null && a.used > a.limit),
    };
  }
}
