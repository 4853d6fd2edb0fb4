export * from './domain-event';
export * from './event-bus';
export * from './event-inbox';
export * from './events.module';
export * from './on-domain-event.decorator';
export * from './outbox-relay';
export * from './unit-of-work';
