/** Public event surface of billing (depends on common/ only; importable by any context). */
export { EntitlementChangedEvent, ModuleActivatedEvent, ModuleDeactivatedEvent, ModuleEventPayload, ModuleSubscribedEvent, ModuleUnsubscribedEvent } from './module.events';
export { SubscriptionConvertedEvent, SubscriptionCreatedEvent, SubscriptionEventPayload, SubscriptionLicensesChangedEvent, SubscriptionPlanChangedEvent, SubscriptionUpdatedEvent, SubscriptionTrialWillEndEvent, SubscriptionTrialEndedEvent, SubscriptionRenewedEvent, SubscriptionCancelledEvent, SubscriptionPastDueEvent, SubscriptionSuspendedEvent, SubscriptionReactivatedEvent } from './subscription.events';
export { CreditNoteCreatedEvent, CreditNoteEventPayload, InvoiceCreatedEvent, InvoiceEventPayload, InvoiceFinalizedEvent, InvoicePaidEvent, InvoiceUncollectibleEvent, InvoiceVoidedEvent } from './invoice.events';
export { PaymentEventPayload, PaymentFailedEvent, PaymentRefundedEvent, PaymentSucceededEvent } from './payment.events';
export { CouponRedeemedEvent, CouponRedeemedPayload } from './coupon.events';
