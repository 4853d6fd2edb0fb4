export { PARTNER_ERRORS } from './errors';
export { PartnersModule } from './partners/partners.module';
export { WebhooksModule } from './webhooks/webhooks.module';
export { WebhookEndpointDisabledEvent, WebhookDeliveryExhaustedEvent } from './events';
