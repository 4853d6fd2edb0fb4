import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { RequestContext } from '../../../common/context';
import { ConflictError, FieldError, NotFoundError, UnprocessableError, ValidationError } from '../../../common/errors';
import { Page, toPage } from '../../../common/http';
import { ModuleCatalogService, QuotaService } from '../../plans';
import { Coupon } from './coupon.entity';
import { CouponDto, CouponListQueryDto, CreateCouponDto, UpdateCouponDto } from './coupon.dto';

/** Maps a coupon to its public shape (`percentOff` as a number: at most 2 decimals, exact in a double's printing). */
export function toCouponDto(c: Coupon): CouponDto {
  return {
    id: c.id,
    code: c.code,
    name: c.name,
    percentOff: c.percentOff === null ? null : Number(c.percentOff),
    amountOffCents: c.amountOffCents,
    currency: c.currency,
    duration: c.duration,
    durationInMonths: c.durationInMonths,
    maxRedemptions: c.maxRedemptions,
    timesRedeemed: c.timesRedeemed,
    redeemBy: c.redeemBy?.toISOString() ?? null,
    appliesTo: { planCodes: c.appliesTo.planCodes ?? [], moduleCodes: c.appliesTo.moduleCodes ?? [] },
    isActive: c.isActive,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

/**
 * The coupon catalog for staff (Stripe's coupons): create, list, read, and change the name, the
 * active flag and the redemption limits. The code and price terms never change once created.
 * Platform-owned (no tenant). Runs in the request's transaction with its audit note.
 */
@Injectable()
export class CouponsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly context: RequestContext,
    private readonly quotas: QuotaService,
    private readonly modules: ModuleCatalogService,
  ) {}

  private get repo() {
    return this.txHost.tx.getRepository(Coupon);
  }

  /**
   * Adds a coupon. @throws ValidationError (neither or both of percentOff and amountOffCents,
   * currency without amountOffCents or missing with it, durationInMonths without repeating or
   * missing with it) | ConflictError `coupon_code_taken` | UnprocessableError `plan_unavailable` |
   * `unknown_module` (an appliesTo code outside the catalog)
   */
  async create(dto: CreateCouponDto): Promise<CouponDto> {
    const errors: FieldError[] = [];
    const hasPercent = dto.percentOff !== undefined;
    const hasAmount = dto.amountOffCents !== undefined;
    if (hasPercent === hasAmount) errors.push({ field: hasPercent ? 'amountOffCents' : 'percentOff', message: 'give exactly one of percentOff and amountOffCents' });
    if (hasAmount && dto.currency === undefined) errors.push({ field: 'currency', message: 'currency is required with amountOffCents' });
    if (!hasAmount && dto.currency !== undefined) errors.push({ field: 'currency', message: 'currency goes with amountOffCents only' });
    if (dto.duration === 'repeating' && dto.durationInMonths === undefined) errors.push({ field: 'durationInMonths', message: 'durationInMonths is required with duration repeating' });
    if (dto.duration !== 'repeating' && dto.durationInMonths !== undefined) errors.push({ field: 'durationInMonths', message: 'durationInMonths goes with duration repeating only' });
    if (errors.length) throw new ValidationError(errors);
    const planCodes = [...new Set(dto.appliesTo?.planCodes ?? [])];
    const moduleCodes = [...new Set(dto.appliesTo?.moduleCodes ?? [])];
    for (const code of planCodes) await this.quotas.activePlan(code, 'appliesTo.planCodes');
    await this.modules.assertKnownCodes(moduleCodes, 'appliesTo.moduleCodes');
    const result = await this.repo
      .createQueryBuilder()
      .insert()
      .values({
        code: dto.code.toUpperCase(),
        name: dto.name,
        percentOff: hasPercent ? String(dto.percentOff) : null,
        amountOffCents: dto.amountOffCents ?? null,
        currency: dto.currency ?? null,
        duration: dto.duration,
        durationInMonths: dto.durationInMonths ?? null,
        maxRedemptions: dto.maxRedemptions ?? null,
        redeemBy: dto.redeemBy ?? null,
        appliesTo: { planCodes, moduleCodes },
        isActive: dto.isActive ?? true,
      })
      .orIgnore()
      .returning('id')
      .execute();
    const id = (result.raw as { id: string }[])[0]?.id;
    if (!id) throw new ConflictError('coupon_code_taken', `A coupon with code ${dto.code.toUpperCase()} already exists.`, { field: 'code' });
    const out = toCouponDto(await this.repo.findOneByOrFail({ id }));
    this.context.noteAudit({ resourceId: id, after: out });
    return out;
  }

  /** Coupons, newest first, optionally only active or inactive ones. */
  async list(query: CouponListQueryDto): Promise<Page<CouponDto>> {
    const [rows, total] = await this.repo.findAndCount({
      where: query.isActive === undefined ? {} : { isActive: query.isActive },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: query.limit,
      skip: query.offset,
    });
    return toPage(rows.map(toCouponDto), total, query);
  }

  /** @throws NotFoundError `coupon_not_found` */
  async get(id: string): Promise<CouponDto> {
    return toCouponDto(await this.find(id));
  }

  /**
   * Changes the name, active flag, redeemBy or maxRedemptions (the row locked, so a concurrent
   * redemption cannot slip under a lowered limit).
   * @throws NotFoundError `coupon_not_found` | ValidationError (no field) | UnprocessableError `coupon_terms_immutable` (maxRedemptions below timesRedeemed)
   */
  async update(id: string, dto: UpdateCouponDto): Promise<CouponDto> {
    if (![dto.name, dto.isActive, dto.redeemBy, dto.maxRedemptions].some((v) => v !== undefined)) {
      throw new ValidationError([{ field: 'body', message: 'give at least one of name, isActive, redeemBy, maxRedemptions' }], 'Invalid request: no editable field given');
    }
    const before = await this.find(id, true);
    if (dto.maxRedemptions !== undefined && dto.maxRedemptions !== null && dto.maxRedemptions < before.timesRedeemed) {
      throw new UnprocessableError('coupon_terms_immutable', `maxRedemptions cannot be below the ${before.timesRedeemed} redemptions already made.`, { field: 'maxRedemptions' });
    }
    const patch: Partial<Coupon> = {};
    if (dto.name !== undefined) patch.name = dto.name;
    if (dto.isActive !== undefined) patch.isActive = dto.isActive;
    if (dto.redeemBy !== undefined) patch.redeemBy = dto.redeemBy;
    if (dto.maxRedemptions !== undefined) patch.maxRedemptions = dto.maxRedemptions;
    await this.repo.update(id, patch);
    const after = toCouponDto(await this.find(id));
    this.context.noteAudit({ resourceId: id, before: toCouponDto(before), after });
    return after;
  }

  private async find(id: string, lock = false): Promise<Coupon> {
    const qb = this.repo.createQueryBuilder('c').where('c.id = :id', { id });
    if (lock) qb.setLock('pessimistic_write');
    const coupon = await qb.getOne();
    if (!coupon) throw new NotFoundError('Coupon', id);
    return coupon;
  }
}
