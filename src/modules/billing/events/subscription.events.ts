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

/** Three days before a trial ends (once per trial end). Producer: billing. */
export class SubscriptionTrialWillEndEvent extends DomainEvent<SubscriptionEventPayload> {
  static override readonly eventName = 'subscription.trial_will_end';
}

/** A trial ended: a plan subscription became paid (its first period charged), a module trial was cancelled. Producer: billing. */
export class SubscriptionTrialEndedEvent extends DomainEvent<SubscriptionEventPayload & { outcome: 'converted' | 'cancelled' }> {
  static override readonly eventName = 'subscription.trial_ended';
}

/** A period rolled over: scheduled changes applied, the new period's charges recorded. Producer: billing. */
export class SubscriptionRenewedEvent extends DomainEvent<SubscriptionEventPayload & { amountCents: number; periodStart: string }> {
  static override readonly eventName = 'subscription.renewed';
}

/** A subscription was cancelled (at its period end, or at once by staff). Producer: billing. */
export class SubscriptionCancelledEvent extends DomainEvent<SubscriptionEventPayload & { cancelledAt: string }> {
  static override readonly eventName = 'subscription.cancelled';
}

/** Collection of an invoice billing this subscription failed; it stays in service while the dunning retries run. Producer: billing. */
export class SubscriptionPastDueEvent extends DomainEvent<SubscriptionEventPayload & { invoiceId: string }> {
  static override readonly eventName = 'subscription.past_due';
}

/** The dunning policy acted after the last failed retry: the module is off, or (plan) the tenant is suspended for non-payment. Producer: billing. */
export class SubscriptionSuspendedEvent extends DomainEvent<SubscriptionEventPayload & { invoiceId: string; tenantSuspended: boolean }> {
  static override readonly eventName = 'subscription.suspended';
}

/** The unpaid invoice was paid or voided: the subscription is active again (from past_due or suspended). Producer: billing. */
export class SubscriptionReactivatedEvent extends DomainEvent<SubscriptionEventPayload & { invoiceId: string; previousStatus: string }> {
  static override readonly eventName = 'subscription.reactivated';
}
