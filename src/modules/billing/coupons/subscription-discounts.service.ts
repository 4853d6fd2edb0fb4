import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { RequestContext } from '../../../common/context';
import { AppError, NotFoundError } from '../../../common/errors';
import { EventBus } from '../../../common/events';
import { TenantDirectory } from '../../../common/tenancy';
import { TenantScopedRepository } from '../../../database/tenant-scoped.repository';
import { ModuleCatalogService } from '../../plans';
import { SubscriptionDto } from '../dto/subscription.dto';
import { Subscription } from '../entities/subscription.entity';
import { SubscriptionUpdatedEvent } from '../events/subscription.events';
import { eventPayload, toSubscriptionDto } from '../subscriptions.service';
import { CouponRedemptions } from './coupon-redemptions.service';

/**
 * Staff apply a coupon to one of a tenant's subscriptions (its plan subscription, or a module it
 * subscribes to) or remove the live discount, outside any other change (Stripe's
 * `subscription.discount`). The discount takes effect at the next charge: prorations from now, the
 * next full period at renewal. One transaction with the audit row and `subscription.updated`.
 */
@Injectable()
export class SubscriptionDiscountsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly redemptions: CouponRedemptions,
    private readonly catalog: ModuleCatalogService,
    private readonly directory: TenantDirectory,
    private readonly events: EventBus,
    private readonly context: RequestContext,
  ) {}

  /**
   * Redeems `couponCode` on the plan subscription (no `moduleCode`) or the live module subscription.
   * @throws NotFoundError `tenant_not_found` | `subscription_not_found` | AppError 404 `module_not_found` |
   * 409 `module_not_subscribed` | `subscription_already_cancelled` | the redemption checks of {@link CouponRedemptions.redeem}
   */
  async apply(tenantId: string, couponCode: string, moduleCode: string | undefined): Promise<SubscriptionDto> {
    const sub = await this.lockTarget(tenantId, moduleCode);
    const discount = await this.redemptions.redeem(sub, couponCode, sub, false);
    await this.events.publish(new SubscriptionUpdatedEvent(tenantId, { ...eventPayload(sub), changed: ['discount'] }));
    const out = toSubscriptionDto(sub, discount);
    this.context.noteAudit({ tenantId, resourceId: sub.id, resourceType: 'subscription', after: out, metadata: { couponId: discount.couponId, code: discount.code } });
    return out;
  }

  /**
   * Ends the live discount of the plan subscription (no `moduleCode`) or of the module subscription now.
   * @throws NotFoundError `discount_not_found` (none live) and the errors of {@link apply} before the coupon checks
   */
  async remove(tenantId: string, moduleCode: string | undefined): Promise<SubscriptionDto> {
    const sub = await this.lockTarget(tenantId, moduleCode);
    const ended = await this.redemptions.end(sub);
    if (!ended) throw new NotFoundError('Discount');
    await this.events.publish(new SubscriptionUpdatedEvent(tenantId, { ...eventPayload(sub), changed: ['discount'] }));
    const out = toSubscriptionDto(sub, null);
    this.context.noteAudit({ tenantId, resourceId: sub.id, resourceType: 'subscription', after: out, metadata: { couponId: ended.couponId, code: ended.code, ended: true } });
    return out;
  }

  /** The plan subscription, or the live module subscription, locked FOR UPDATE after the plan subscription (the lock order of every subscription change). */
  private async lockTarget(tenantId: string, moduleCode: string | undefined): Promise<Subscription> {
    const subs = new TenantScopedRepository(this.txHost.tx, Subscription, tenantId);
    const plan = await subs.queryBuilder('s').andWhere(`s.kind = 'plan'`).setLock('pessimistic_write').getOne();
    if (!plan) {
      if (!(await this.directory.findById(tenantId))) throw new NotFoundError('Tenant', tenantId);
      throw new NotFoundError('Subscription');
    }
    let sub = plan;
    if (moduleCode !== undefined) {
      const module = await this.catalog.byCode(moduleCode);
      if (!module) throw new AppError('module_not_found', 404, `Module ${moduleCode} was not found.`);
      const live = await subs.queryBuilder('s').andWhere(`s.kind = 'module'`).andWhere('s.module_id = :moduleId', { moduleId: module.id }).andWhere(`s.status <> 'cancelled'`).setLock('pessimistic_write').getOne();
      if (!live) throw new AppError('module_not_subscribed', 409, `The tenant does not subscribe to ${module.code}.`, { state: 'not_subscribed' });
      sub = live;
    }
    if (sub.status === 'cancelled') {
      throw new AppError('subscription_already_cancelled', 409, `The subscription ${sub.itemCode} is cancelled.`, { state: 'status', currentStatus: sub.status });
    }
    return sub;
  }
}
