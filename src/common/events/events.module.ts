import { BullModule } from '@nestjs/bull';
import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventBus } from './event-bus';
import { EventConsumers } from './event-consumers';
import { EventDelivery } from './event-delivery.entity';
import { OutboxDispatcher } from './outbox-dispatcher';
import { OutboxEntry } from './outbox-entry.entity';
import { OutboxRelay } from './outbox-relay';
import { OUTBOX_QUEUE, OutboxRelayProcessor } from './outbox-relay.processor';
import { ProcessedEvent } from './processed-event.entity';
import { COMMITTED_EVENTS_DISPATCHER, UnitOfWork } from './unit-of-work';

/**
 * The in-process event bus: transactional outbox, consumers discovered from `@OnEvent()`,
 * per-consumer delivery with an inbox, and the relay.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([OutboxEntry, ProcessedEvent, EventDelivery]), BullModule.registerQueue({ name: OUTBOX_QUEUE }), DiscoveryModule],
  providers: [
    EventBus,
    UnitOfWork,
    EventConsumers,
    OutboxDispatcher,
    { provide: COMMITTED_EVENTS_DISPATCHER, useExisting: OutboxDispatcher },
    OutboxRelay,
    OutboxRelayProcessor,
  ],
  exports: [EventBus, UnitOfWork, OutboxRelay, EventConsumers],
})
export class EventsModule {}
