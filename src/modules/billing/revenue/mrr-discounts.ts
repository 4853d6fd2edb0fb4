import { Injectable } from '@nestjs/common';
import type { Subscription } from '../entities/subscription.entity';
import type { MrrDiscount } from './metrics';

/**
 * The port through which the MRR rules learn each subscription's discount (a coupon applied per
 * billing interval). Bound to {@link NoMrrDiscounts} until coupons exist; the coupons work binds
 * its own adapter (`{ provide: MrrDiscounts, useClass: … }` in billing.module.ts). Runs in the
 * caller's transaction.
 */
export abstract class MrrDiscounts {
  /** The discount of each of `subscriptions` (all of one tenant) that has one, by subscription id. */
  abstract forSubscriptions(tenantId: string, subscriptions: Subscription[]): Promise<Map<string, MrrDiscount>>;
}

/** No subscription has a discount. */
@Injectable()
export class NoMrrDiscounts extends MrrDiscounts {
  forSubscriptions(): Promise<Map<string, MrrDiscount>> {
    return Promise.resolve(new Map());
  }
}
