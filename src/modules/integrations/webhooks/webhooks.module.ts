import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WEBHOOK_CONTROLLERS } from './webhooks.controller';
import { WebhookDelivery, WEBHOOKS_QUEUE } from './webhook-delivery.service';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { WebhookEndpointsService } from './webhook-endpoints.service';
import { WebhookFanOutListener } from './webhook-fan-out.listener';
import { WebhookAttempt, WebhookMessage } from './webhook-message.entity';
import { WebhookMessagesService } from './webhook-messages.service';
import { WebhookSecrets } from './webhook-secrets';
import { WebhookSender } from './webhook-sender';
import { WebhooksProcessor } from './webhooks.processor';
import { WebhooksDataEraser } from './webhooks-data.eraser';
import { WebhooksPersonalDataEraser } from './webhooks-personal-data.eraser';
import { WebhookEndpointsBackupSection } from './webhooks.backup-section';

/**
 * Outbound webhooks (integrations context): tenant endpoints and platform webhooks, the event
 * catalog, signed at-least-once delivery from the outbox with retries, the delivery log, replay,
 * tests and health.
 */
@Module({
  imports: [TypeOrmModule.forFeature([WebhookEndpoint, WebhookMessage, WebhookAttempt]), BullModule.registerQueue({ name: WEBHOOKS_QUEUE })],
  controllers: WEBHOOK_CONTROLLERS,
  providers: [WebhookSecrets, WebhookSender, WebhookDelivery, WebhookEndpointsService, WebhookMessagesService, WebhookFanOutListener, WebhooksProcessor, WebhooksDataEraser, WebhooksPersonalDataEraser, WebhookEndpointsBackupSection],
  exports: [WebhookDelivery],
})
export class WebhooksModule {}
