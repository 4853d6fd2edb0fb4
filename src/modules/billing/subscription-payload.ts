import type { SubscriptionEventPayload } from './events/subscription.events';
import type { Subscription } from './entities/subscription.entity';

/** The facts every subscription event carries, from the subscription row. */
export function eventPayload(s: Subscription): SubscriptionEventPayload {
  return {
    subscriptionId: s.id,
    kind: s.kind,
    itemCode: s.itemCode,
    status: s.status,
    interval: s.interval,
    quantity: s.quantity,
    currency: s.currency,
    currentPeriodEnd: s.currentPeriodEnd.toISOString(),
    trialEndsAt: s.trialEndsAt?.toISOString() ?? null,
  };
}
