import { BullModule } from '@nestjs/bull';
import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventBus } from './event-bus';
import { EventInbox } from './event-inbox';
import { OutboxDispatcher } from './outbox-dispatcher';
import { OutboxEntry } from './outbox-entry.entity';
import { OutboxRelay } from './outbox-relay';
import { OUTBOX_QUEUE, OutboxRelayProcessor } from './outbox-relay.processor';
import { ProcessedEvent } from './processed-event.entity';
import { UnitOfWork } from './unit-of-work';

/** The in-process event bus with its transactional outbox, relay and idempotent inbox. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([OutboxEntry, ProcessedEvent]), BullModule.registerQueue({ name: OUTBOX_QUEUE })],
  providers: [EventBus, UnitOfWork, OutboxDispatcher, OutboxRelay, OutboxRelayProcessor, EventInbox],
  exports: [EventBus, UnitOfWork, OutboxRelay, EventInbox],
})
export class EventsModule {}
