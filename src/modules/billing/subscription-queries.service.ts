import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Page, toPage } from '../../common/http';
import { Clock } from '../../common/time';
import { SubscriptionListQueryDto } from './dto/subscription-list.dto';
import { SubscriptionDto } from './dto/subscription.dto';
import { Subscription } from './entities/subscription.entity';
import { SubscriptionDiscount } from './coupons/subscription-discount.entity';
import { In, IsNull } from 'typeorm';
import { toSubscriptionDto } from './subscriptions.service';

const SORT_COLUMNS = { createdAt: 's.createdAt', currentPeriodEnd: 's.currentPeriodEnd', trialEndsAt: 's.trialEndsAt' } as const;

/** Staff reads across tenants: every subscription on the platform (seed 001 "view all subscriptions"). */
@Injectable()
export class SubscriptionQueries {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly clock: Clock,
  ) {}

  /** One page of subscriptions matching the filters, with the total; "within N days" counts from the Clock's now. */
  async list(query: SubscriptionListQueryDto): Promise<Page<SubscriptionDto>> {
    const now = this.clock.now();
    const qb = this.txHost.tx.getRepository(Subscription).createQueryBuilder('s');
    if (query.tenantId) qb.andWhere('s.tenant_id = :tenantId', { tenantId: query.tenantId });
    if (query.status) qb.andWhere('s.status = :status', { status: query.status });
    if (query.kind) qb.andWhere('s.kind = :kind', { kind: query.kind });
    if (query.planCode) qb.andWhere(`s.kind = 'plan' AND s.item_code = :planCode`, { planCode: query.planCode });
    if (query.moduleCode) qb.andWhere(`s.kind = 'module' AND s.item_code = :moduleCode`, { moduleCode: query.moduleCode });
    if (query.interval) qb.andWhere('s.interval = :interval', { interval: query.interval });
    if (query.trialEndingWithinDays !== undefined) {
      qb.andWhere(`s.status = 'trial' AND s.trial_ends_at <= :trialBy`, { trialBy: new Date(now.getTime() + query.trialEndingWithinDays * 86_400_000) });
    }
    if (query.renewingWithinDays !== undefined) {
      qb.andWhere(`s.status NOT IN ('trial', 'cancelled') AND s.current_period_end <= :renewBy`, { renewBy: new Date(now.getTime() + query.renewingWithinDays * 86_400_000) });
    }
    const direction = query.order === 'asc' ? 'ASC' : 'DESC';
    qb.orderBy(SORT_COLUMNS[query.sort], direction, 'NULLS LAST').addOrderBy('s.id', direction).take(query.limit).skip(query.offset);
    const [rows, total] = await qb.getManyAndCount();
    const discounts = rows.length
      ? await this.txHost.tx.getRepository(SubscriptionDiscount).find({ where: { subscriptionId: In(rows.map((r) => r.id)), endedAt: IsNull() } })
      : [];
    const bySubscription = new Map(discounts.map((d) => [d.subscriptionId, d]));
    return toPage(rows.map((r) => toSubscriptionDto(r, bySubscription.get(r.id) ?? null)), total, query);
  }
}
