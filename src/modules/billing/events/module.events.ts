import { DomainEvent } from '../../../common/events';

/** Facts of a tenant's module event. */
export interface ModuleEventPayload {
  moduleCode: string;
  moduleId: string;
}

/** A tenant subscribed to a module (with a trial or paid). Producer: billing. */
export class ModuleSubscribedEvent extends DomainEvent<ModuleEventPayload & { subscriptionId: string; status: string; interval: string; trialEndsAt: string | null }> {
  static override readonly eventName = 'module.subscribed';
}

/** A tenant's module subscription ended (cancelled now by staff, at its period end, or when its trial ran out). Producer: billing. */
export class ModuleUnsubscribedEvent extends DomainEvent<ModuleEventPayload & { subscriptionId: string; cancelledAt: string }> {
  static override readonly eventName = 'module.unsubscribed';
}

/** A tenant switched a module on again (its own switch; billing unchanged). Producer: billing. */
export class ModuleActivatedEvent extends DomainEvent<ModuleEventPayload> {
  static override readonly eventName = 'module.activated';
}

/** A tenant switched a module off (its own switch; billing unchanged). Producer: billing. */
export class ModuleDeactivatedEvent extends DomainEvent<ModuleEventPayload> {
  static override readonly eventName = 'module.deactivated';
}

/** A module's entitlement of a tenant may have changed: consumers re-read the current entitlements. Producer: billing. */
export class EntitlementChangedEvent extends DomainEvent<{ moduleCodes: string[]; cause: string }> {
  static override readonly eventName = 'entitlement.changed';
}
