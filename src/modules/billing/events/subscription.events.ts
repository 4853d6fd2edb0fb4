import { DomainEvent } from '../../../common/events';

/** Facts every subscription event carries. Amounts in minor units of `currency`. */
export interface SubscriptionEventPayload {
  subscriptionId: string;
  kind: 'plan' | 'module';
  itemCode: string;
  status: string;
  interval: 'month' | 'year';
  quantity: number | null;
  currency: string;
  currentPeriodEnd: string;
  trialEndsAt: string | null;
}

/** A subscription was created (a tenant's plan subscription at provisioning, or a module subscription). Producer: billing. */
export class SubscriptionCreatedEvent extends DomainEvent<SubscriptionEventPayload> {
  static override readonly eventName = 'subscription.created';
}

/** A trial was converted to paid: a new period starts now and its charge is pending. Producer: billing. */
export class SubscriptionConvertedEvent extends DomainEvent<SubscriptionEventPayload & { amountCents: number }> {
  static override readonly eventName = 'subscription.converted';
}

/** The licence count changed (prorated charge or credit pending). Producer: billing. */
export class SubscriptionLicensesChangedEvent extends DomainEvent<
  SubscriptionEventPayload & { previousLicenses: number; newLicenses: number; prorationCents: number }
> {
  static override readonly eventName = 'subscription.licenses_changed';
}

/** A staff edit of the subscription (status, plan, licenses, dates, price override, labels). Producer: billing. */
export class SubscriptionUpdatedEvent extends DomainEvent<SubscriptionEventPayload & { changed: string[] }> {
  static override readonly eventName = 'subscription.updated';
}

/** The plan changed now (prorated) or was scheduled for the period end. Producer: billing. */
export class SubscriptionPlanChangedEvent extends DomainEvent<
  SubscriptionEventPayload & { previousPlanCode: string; newPlanCode: string; effective: string; effectiveAt: string; prorationCents: number }
> {
  static override readonly eventName = 'subscription.plan_changed';
}
