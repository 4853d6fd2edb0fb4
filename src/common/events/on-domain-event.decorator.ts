import { OnEvent } from '@nestjs/event-emitter';

/**
 * Subscribes a method to a domain event by its dotted name. Errors are not suppressed: a
 * failing listener leaves the outbox row undispatched so the relay retries it, which is why
 * every listener must be idempotent on `eventId` (use {@link EventInbox.once}).
 */
export const OnDomainEvent = (eventName: string): MethodDecorator =>
  OnEvent(eventName, { async: false, promisify: true, suppressErrors: false });
