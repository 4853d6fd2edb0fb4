export { BILLING_ERRORS } from './errors';
export { BillingModule } from './billing.module';
export { SubscriptionsService, PlanSubscriptionStart } from './subscriptions.service';
export { ChargeLine, monthlyAmountCents, periodChargeLine, priceChangeLines, quantityChangeLine, remainingFraction, roundCents } from './proration';
export { PlanSubscriptionColumns, planSubscriptionColumnsSql, planSubscriptionJoinSql, SubscriptionSummary, toSubscriptionSummary } from './subscription-summary';
export { COUPON_DURATIONS, CouponDuration, DiscountTerms, discountCents, periodsForDuration } from './coupons/discount';
