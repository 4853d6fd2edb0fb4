/** Public event surface of billing (depends on common/ only; importable by any context). */
export { SubscriptionConvertedEvent, SubscriptionCreatedEvent, SubscriptionEventPayload, SubscriptionLicensesChangedEvent } from './subscription.events';
