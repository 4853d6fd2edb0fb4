import { DomainEvent } from '../../../common/events';

type AlertFacts = { alertId: string; ruleId: string; type: string; severity: string; title: string; detail: string };

/** A super-admin alert opened. Producer: notifications (alerts). Consumers: staff notifications, platform webhooks. */
export class AlertOpenedEvent extends DomainEvent<AlertFacts & { recipientRoles: string[] }> {
  static override readonly eventName = 'alert.opened';
}

/** An alert resolved itself: its condition cleared (a paid invoice, a sign-in, a converted trial …). */
export class AlertResolvedEvent extends DomainEvent<AlertFacts & { resolvedAt: string }> {
  static override readonly eventName = 'alert.resolved';
}
