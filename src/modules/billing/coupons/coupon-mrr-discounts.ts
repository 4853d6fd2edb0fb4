import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { In, IsNull } from 'typeorm';
import { TenantScopedRepository } from '../../../database/tenant-scoped.repository';
import type { Subscription } from '../entities/subscription.entity';
import type { MrrDiscount } from '../revenue/metrics';
import { MrrDiscounts } from '../revenue/mrr-discounts';
import { SubscriptionDiscount } from './subscription-discount.entity';

/**
 * The coupons' adapter of the MRR discount port: a subscription's live discount (not ended) is
 * taken off its period amount before MRR divides it (ChartMogul counts MRR net of discounts). An
 * amount off in another currency than the subscription's takes nothing off, as on its invoices.
 */
@Injectable()
export class CouponMrrDiscounts extends MrrDiscounts {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  async forSubscriptions(tenantId: string, subscriptions: Subscription[]): Promise<Map<string, MrrDiscount>> {
    if (!subscriptions.length) return new Map();
    const rows = await new TenantScopedRepository(this.txHost.tx, SubscriptionDiscount, tenantId).find({ where: { subscriptionId: In(subscriptions.map((s) => s.id)), endedAt: IsNull() } });
    const currency = new Map(subscriptions.map((s) => [s.id, s.currency]));
    const out = new Map<string, MrrDiscount>();
    for (const d of rows) {
      if (d.amountOffCents !== null && d.currency !== currency.get(d.subscriptionId)) continue;
      out.set(d.subscriptionId, { percentOff: d.percentOff, amountOffCents: d.amountOffCents, perInterval: true });
    }
    return out;
  }
}
