export * from './domain-event';
export * from './event-bus';
export * from './event-consumers';
export * from './events.module';
export * from './on-event.decorator';
export * from './outbox-relay';
export * from './unit-of-work';
