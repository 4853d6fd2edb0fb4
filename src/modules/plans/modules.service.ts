import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { In } from 'typeorm';
import { RequestContext } from '../../common/context';
import { ConflictError, NotFoundError, UnprocessableError } from '../../common/errors';
import { EventBus } from '../../common/events';
import { Page, toPage } from '../../common/http';
import { CreateModuleDto, ModuleDto, ModuleListQueryDto, UpdateModuleDto } from './dto/module.dto';
import { ProductModule } from './entities/product-module.entity';
import { ModuleCreatedEvent, ModuleUpdatedEvent } from './events/plan.events';

/** A module of the catalog as other contexts read it (prices in minor units per interval). */
export type CatalogModule = Pick<ProductModule, 'id' | 'code' | 'name' | 'description' | 'pricingModel' | 'monthlyPriceCents' | 'annualPriceCents' | 'currency' | 'trialDays' | 'isActive'>;

/** Maps a catalog module to its public shape. */
export function toModuleDto(m: ProductModule): ModuleDto {
  return {
    id: m.id,
    code: m.code,
    name: m.name,
    description: m.description,
    pricingModel: m.pricingModel,
    monthlyPriceCents: m.monthlyPriceCents,
    annualPriceCents: m.annualPriceCents,
    currency: m.currency,
    trialDays: m.trialDays,
    isActive: m.isActive,
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
  };
}

/**
 * The module catalog (the plans context's product catalog). A price change applies to new
 * subscriptions; existing ones keep the unit prices captured when they were created or changed.
 */
@Injectable()
export class ModuleCatalogService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly events: EventBus,
    private readonly context: RequestContext,
  ) {}

  private get repo() {
    return this.txHost.tx.getRepository(ProductModule);
  }

  /** @throws ConflictError `module_code_taken` */
  async create(dto: CreateModuleDto): Promise<ModuleDto> {
    const result = await this.repo
      .createQueryBuilder()
      .insert()
      .values({
        code: dto.code,
        name: dto.name,
        description: dto.description ?? null,
        pricingModel: dto.pricingModel ?? 'flat',
        monthlyPriceCents: dto.monthlyPriceCents,
        annualPriceCents: dto.annualPriceCents,
        currency: dto.currency,
        trialDays: dto.trialDays ?? 14,
        isActive: dto.isActive ?? true,
      })
      .orIgnore()
      .returning('*')
      .execute();
    const row = (result.raw as Record<string, unknown>[])[0];
    if (!row) throw new ConflictError('module_code_taken', `A module with code ${dto.code} already exists.`, { field: 'code' });
    const created = await this.find(row.id as string);
    await this.events.publish(new ModuleCreatedEvent(null, { moduleId: created.id, code: created.code }));
    this.context.noteAudit({ resourceId: created.id, after: toModuleDto(created) });
    return toModuleDto(created);
  }

  /** Modules ordered by code. */
  async list(query: ModuleListQueryDto): Promise<Page<ModuleDto>> {
    const [rows, total] = await this.repo.findAndCount({
      where: query.isActive === undefined ? {} : { isActive: query.isActive },
      order: { code: 'ASC' },
      take: query.limit,
      skip: query.offset,
    });
    return toPage(rows.map(toModuleDto), total, query);
  }

  /** @throws NotFoundError `module_not_found` */
  async get(id: string): Promise<ModuleDto> {
    return toModuleDto(await this.find(id));
  }

  /** Changes a module (code is immutable). @throws NotFoundError `module_not_found` */
  async update(id: string, dto: UpdateModuleDto): Promise<ModuleDto> {
    const before = await this.find(id, true);
    const patch: Partial<ProductModule> = {};
    for (const key of ['name', 'pricingModel', 'monthlyPriceCents', 'annualPriceCents', 'currency', 'trialDays', 'isActive'] as const) {
      if (dto[key] !== undefined) (patch as Record<string, unknown>)[key] = dto[key];
    }
    if (dto.description !== undefined) patch.description = dto.description ?? null;
    const changed = Object.keys(patch).filter((k) => patch[k as keyof ProductModule] !== before[k as keyof ProductModule]);
    if (changed.length) {
      await this.repo.update(id, patch);
      await this.events.publish(new ModuleUpdatedEvent(null, { moduleId: id, code: before.code, changed }));
    }
    const after = changed.length ? await this.find(id) : before;
    this.context.noteAudit({ before: toModuleDto(before), after: toModuleDto(after) });
    return toModuleDto(after);
  }

  /**
   * Checks that every key of a plan's `features` (or a tenant's feature overrides) names a module of
   * the catalog. @throws UnprocessableError `unknown_module` naming `<field>.<code>` for the first unknown code.
   */
  async assertKnownCodes(codes: string[], field: string): Promise<void> {
    if (!codes.length) return;
    const known = new Set((await this.repo.find({ select: { code: true }, where: { code: In(codes) } })).map((m) => m.code));
    const unknown = codes.find((c) => !known.has(c));
    if (unknown !== undefined) throw new UnprocessableError('unknown_module', `Module ${unknown} is not in the catalog.`, { field: `${field}.${unknown}` });
  }

  /** Every module of the catalog (active or not), by code: what billing prices and entitles. */
  async all(): Promise<CatalogModule[]> {
    return this.repo.find({ order: { code: 'ASC' } });
  }

  /** The module with this code, or null. */
  async byCode(code: string): Promise<CatalogModule | null> {
    return this.repo.findOne({ where: { code } });
  }

  private async find(id: string, lock = false): Promise<ProductModule> {
    const qb = this.repo.createQueryBuilder('m').where('m.id = :id', { id });
    if (lock) qb.setLock('pessimistic_write');
    const found = await qb.getOne();
    if (!found) throw new NotFoundError('Module', id);
    return found;
  }
}
