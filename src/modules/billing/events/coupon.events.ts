import { DomainEvent } from '../../../common/events';

/** Facts of a coupon redemption. */
export interface CouponRedeemedPayload {
  couponId: string;
  code: string;
  subscriptionId: string;
}

/** A coupon was redeemed on one of a tenant's subscriptions (its discount is live from now). Producer: billing. */
export class CouponRedeemedEvent extends DomainEvent<CouponRedeemedPayload> {
  static override readonly eventName = 'coupon.redeemed';
}
