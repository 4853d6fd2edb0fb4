import { DomainEvent } from '../../../common/events';

/** A plan was added to the catalog. Producer: plans. */
export class PlanCreatedEvent extends DomainEvent<{ planId: string; code: string }> {
  static override readonly eventName = 'plan.created';
}

/** A plan's name, prices, limits, features, request rate or active flag changed. Producer: plans. */
export class PlanUpdatedEvent extends DomainEvent<{ planId: string; code: string; changed: string[] }> {
  static override readonly eventName = 'plan.updated';
}

/** A tenant's quota (plan, overrides, billing state) changed. Producer: plans. */
export class QuotaUpdatedEvent extends DomainEvent<{
  planCode: string;
  billingStatus: string;
  previousBillingStatus: string;
  changed: string[];
  overLimit: string[];
}> {
  static override readonly eventName = 'quota.updated';
}

/** A module was added to the catalog. Producer: plans. */
export class ModuleCreatedEvent extends DomainEvent<{ moduleId: string; code: string }> {
  static override readonly eventName = 'module.created';
}

/** A module's name, description, prices, pricing model, trial length or active flag changed. Producer: plans. */
export class ModuleUpdatedEvent extends DomainEvent<{ moduleId: string; code: string; changed: string[] }> {
  static override readonly eventName = 'module.updated';
}
