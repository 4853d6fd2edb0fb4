import { Injectable } from '@nestjs/common';
import { DomainEventClass, DomainEventEnvelope, OnEvent } from '../../../common/events';
import { WEBHOOK_EVENT_TYPES } from './event-types';
import { WebhookDelivery } from './webhook-delivery.service';

/** Consumer id of the webhook fan-out (its inbox rows make a re-dispatched event fan out once). */
export const WEBHOOK_FAN_OUT_CONSUMER = 'integrations.webhook-fan-out';

/**
 * Turns every committed event of the webhook catalog into messages for the endpoints subscribed
 * to it (consumer `integrations.webhook-fan-out` of each catalog type). Through the outbox, so an
 * event committed before a crash still reaches its endpoints; the inbox and the unique
 * (event, endpoint) message make a re-dispatch create nothing twice. Deferred: the producing
 * request answers before its messages are written (a tenant with many endpoints never slows it).
 */
@Injectable()
export class WebhookFanOutListener {
  constructor(private readonly delivery: WebhookDelivery) {}

  async onEvent(envelope: DomainEventEnvelope): Promise<void> {
    await this.delivery.fanOut(envelope);
  }
}

// One subscription per catalog type, all on the same handler (the catalog is the list of what
// webhooks can carry; its unit test pins it to the event classes).
const handler = Object.getOwnPropertyDescriptor(WebhookFanOutListener.prototype, 'onEvent')!;
for (const t of WEBHOOK_EVENT_TYPES) {
  const eventClass = { eventName: t.type } as unknown as DomainEventClass<Record<string, unknown>>;
  OnEvent(eventClass as never, WEBHOOK_FAN_OUT_CONSUMER, { deferred: true })(WebhookFanOutListener.prototype, 'onEvent', handler as TypedPropertyDescriptor<(e: DomainEventEnvelope) => Promise<void>>);
}
