import { DomainEvent } from '../../../common/events';

/**
 * An endpoint stopped receiving deliveries on its own: the receiver answered 410 Gone (`gone`), or
 * nothing succeeded for the configured days (`failing`). Producer: integrations (webhook delivery).
 * Consumers: notifications (tenant admins), platform webhooks.
 */
export class WebhookEndpointDisabledEvent extends DomainEvent<{ endpointId: string; url: string; reason: 'gone' | 'failing'; disabledAt: string }> {
  static override readonly eventName = 'webhook.endpoint_disabled';
}

/** A message used up every retry and is `failed` (replay can recover it). Producer: integrations. */
export class WebhookDeliveryExhaustedEvent extends DomainEvent<{ endpointId: string; messageId: string; eventId: string; eventType: string; attempts: number; lastError: string | null }> {
  static override readonly eventName = 'webhook.delivery_exhausted';
}
