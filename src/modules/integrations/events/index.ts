export { WebhookDeliveryExhaustedEvent, WebhookEndpointDisabledEvent } from './webhook.events';
