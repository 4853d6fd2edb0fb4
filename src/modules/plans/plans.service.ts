import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { RequestContext } from '../../common/context';
import { ConflictError, NotFoundError } from '../../common/errors';
import { EventBus } from '../../common/events';
import { CreatePlanDto, PlanDto, PlanListQueryDto, UpdatePlanDto } from './dto/plan.dto';
import { Plan, PlanLimits } from './entities/plan.entity';
import { PlanCreatedEvent, PlanUpdatedEvent } from './events/plan.events';
import { pickMetrics } from './metrics';
import { ModuleCatalogService } from './modules.service';
import { Page, toPage } from '../../common/http';
import { APP_CONFIG, AppConfig } from '../../config';
import { planRateLimit, RateLimit } from './rate-limit';

/**
 * Maps a plan to its public shape; `limits` holds registry metrics only (a retired metric's key is
 * not served); `rateLimit` is the plan's rate or, when it sets none, `platformDefault`.
 */
export function toPlanDto(p: Plan, platformDefault: RateLimit): PlanDto {
  const { requestsPerMinute, burst, source } = planRateLimit(p, platformDefault);
  return {
    id: p.id,
    code: p.code,
    name: p.name,
    description: p.description,
    monthlyPriceCents: p.monthlyPriceCents,
    annualPriceCents: p.annualPriceCents,
    seatMonthlyPriceCents: p.seatMonthlyPriceCents,
    seatAnnualPriceCents: p.seatAnnualPriceCents,
    currency: p.currency,
    isActive: p.isActive,
    limits: pickMetrics(p.limits),
    features: p.features,
    rateLimit: { requestsPerMinute, burst, source: source === 'plan' ? 'plan' : 'default' },
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

/** Keeps only declared metrics; an absent metric stays absent (= unlimited). */
function cleanLimits(limits: PlanLimits | undefined): PlanLimits {
  if (!limits) return {};
  return Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined)) as PlanLimits;
}

/** The plan catalog. A deactivated plan keeps its tenants but cannot be chosen for new ones. */
@Injectable()
export class PlansService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly events: EventBus,
    private readonly context: RequestContext,
    private readonly modules: ModuleCatalogService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private toDto(p: Plan): PlanDto {
    return toPlanDto(p, this.config.tenantRateLimit);
  }

  private get repo() {
    return this.txHost.tx.getRepository(Plan);
  }

  /** @throws ConflictError `plan_code_taken`; UnprocessableError `unknown_module` for a feature outside the module catalog */
  async create(dto: CreatePlanDto): Promise<PlanDto> {
    await this.modules.assertKnownCodes(Object.keys(dto.features ?? {}), 'features');
    const result = await this.repo
      .createQueryBuilder()
      .insert()
      .values({
        code: dto.code,
        name: dto.name,
        description: dto.description ?? null,
        monthlyPriceCents: dto.monthlyPriceCents,
        annualPriceCents: dto.annualPriceCents,
        seatMonthlyPriceCents: dto.seatMonthlyPriceCents ?? 0,
        seatAnnualPriceCents: dto.seatAnnualPriceCents ?? 0,
        currency: dto.currency,
        isActive: dto.isActive ?? true,
        limits: cleanLimits(dto.limits),
        features: dto.features ?? {},
        rateLimitRequestsPerMinute: dto.rateLimit?.requestsPerMinute ?? null,
        rateLimitBurst: dto.rateLimit?.burst ?? null,
      })
      .orIgnore()
      .returning('id')
      .execute();
    const id = (result.raw as { id: string }[])[0]?.id;
    if (!id) throw new ConflictError('plan_code_taken', `A plan with code ${dto.code} already exists.`, { field: 'code' });
    const plan = await this.repo.findOneByOrFail({ id });
    await this.events.publish(new PlanCreatedEvent(null, { planId: id, code: plan.code }));
    this.context.noteAudit({ resourceId: id, after: this.toDto(plan) });
    return this.toDto(plan);
  }

  async list(query: PlanListQueryDto): Promise<Page<PlanDto>> {
    const [rows, total] = await this.repo.findAndCount({
      where: query.isActive === undefined ? {} : { isActive: query.isActive },
      order: { monthlyPriceCents: 'ASC', code: 'ASC' },
      take: query.limit,
      skip: query.offset,
    });
    return toPage(rows.map((p) => this.toDto(p)), total, query);
  }

  /** @throws NotFoundError */
  async get(id: string): Promise<PlanDto> {
    return this.toDto(await this.find(id));
  }

  /** Updates a plan; limits and features replace the stored maps. @throws NotFoundError; UnprocessableError `unknown_module` */
  async update(id: string, dto: UpdatePlanDto): Promise<PlanDto> {
    const before = await this.find(id, true);
    if (dto.features !== undefined) await this.modules.assertKnownCodes(Object.keys(dto.features), 'features');
    const patch: Partial<Plan> = {};
    if (dto.name !== undefined) patch.name = dto.name;
    if (dto.description !== undefined) patch.description = dto.description ?? null;
    if (dto.monthlyPriceCents !== undefined) patch.monthlyPriceCents = dto.monthlyPriceCents;
    if (dto.annualPriceCents !== undefined) patch.annualPriceCents = dto.annualPriceCents;
    if (dto.seatMonthlyPriceCents !== undefined) patch.seatMonthlyPriceCents = dto.seatMonthlyPriceCents;
    if (dto.seatAnnualPriceCents !== undefined) patch.seatAnnualPriceCents = dto.seatAnnualPriceCents;
    if (dto.currency !== undefined) patch.currency = dto.currency;
    if (dto.isActive !== undefined) patch.isActive = dto.isActive;
    if (dto.limits !== undefined) patch.limits = cleanLimits(dto.limits);
    if (dto.features !== undefined) patch.features = dto.features;
    if (dto.rateLimit !== undefined) {
      patch.rateLimitRequestsPerMinute = dto.rateLimit?.requestsPerMinute ?? null;
      patch.rateLimitBurst = dto.rateLimit?.burst ?? null;
    }
    const changed = Object.keys(patch).filter((k) => JSON.stringify(patch[k as keyof Plan]) !== JSON.stringify(before[k as keyof Plan]));
    if (changed.length) {
      await this.repo.update(id, patch);
      await this.events.publish(new PlanUpdatedEvent(null, { planId: id, code: before.code, changed }));
    }
    const after = await this.find(id);
    this.context.noteAudit({ before: this.toDto(before), after: this.toDto(after) });
    return this.toDto(after);
  }

  private async find(id: string, lock = false): Promise<Plan> {
    const qb = this.repo.createQueryBuilder('p').where('p.id = :id', { id });
    if (lock) qb.setLock('pessimistic_write');
    const plan = await qb.getOne();
    if (!plan) throw new NotFoundError('Plan', id);
    return plan;
  }
}
