import { OnEvent as OnEmitterEvent } from '@nestjs/event-emitter';
import { DomainEventClass, DomainEventEnvelope, PayloadOf } from './domain-event';

/**
 * Stable id of one reaction, `<context>.<reaction>` in lowercase kebab case
 * (`tenants.schedule-purge`). It keys the inbox (`processed_events`) and the delivery record
 * (`event_deliveries`), so renaming it makes the consumer receive again the events still in
 * the relay's reach: rename only together with a migration of those rows.
 */
export type ConsumerId = `${string}.${string}`;

/** What a consumer method must accept: the envelope of its event class (or a supertype of it). */
export type EventHandler<P> = (envelope: DomainEventEnvelope<P>) => Promise<void> | void;

/** One `@OnEvent()` on one method, as recorded on the listener class. */
export interface EventConsumerDeclaration {
  eventName: string;
  consumer: string;
  method: string | symbol;
  /** Delivers only the events whose payload it accepts (see {@link OnEventOptions.when}). */
  when?: (payload: never) => boolean;
  /** Runs after the producer has answered (see {@link OnEventOptions.deferred}). */
  deferred?: boolean;
}

/** Options of {@link OnEvent}. */
export interface OnEventOptions<P> {
  /**
   * A pure predicate on the payload: the consumer receives the event only when it returns true.
   * Evaluated when the event is published (an event no consumer wants is written to the outbox as
   * already dispatched: no delivery, no inbox row) and again at delivery. It must depend on the
   * payload alone, never on the database or the clock, so both evaluations agree.
   */
  when?: (payload: P) => boolean;
  /**
   * Runs after the producing request has answered instead of before: the dispatcher hands the
   * event to this consumer in the background right after commit (and the relay does after a
   * crash), so a fan-out to thousands of recipients or endpoints never holds the response. Same
   * exactly-once inbox and retries as an inline consumer; what it writes is visible a moment
   * after the producer's response, not with it. For reactions nobody reads in the same request
   * (notifications, webhook messages), never for ones the request's caller relies on.
   */
  deferred?: boolean;
}

/** Reflect-metadata key, on the listener class, of its {@link EventConsumerDeclaration}s. */
export const EVENT_CONSUMERS = 'control-plane:event-consumers';

/**
 * The @nestjs/event-emitter channel of one consumer of one event (`tenant.deleted@tenants.schedule-purge`):
 * the in-process bus carries each delivery to exactly one consumer, so the mechanism can run,
 * record and retry consumers one by one.
 */
export function consumerChannel(eventName: string, consumer: string): string {
  return `${eventName}@${consumer}`;
}

const CONSUMER_ID = /^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/;

/** Rejects the abstract base (its `eventName` is plain `string`): only concrete event classes name an event. */
type ConcreteEvent<C extends DomainEventClass> = string extends C['eventName'] ? { readonly eventName: 'a concrete event class, whose static eventName is a literal' } : unknown;

/**
 * Subscribes a provider's method to a domain event class as the consumer `consumer`
 * (CONVENTIONS §3). The event name is the class's static `eventName`, and the method's
 * parameter must accept `DomainEventEnvelope<PayloadOf<typeof Event>>`, so removing or
 * reshaping an event class breaks the build instead of silently unhooking its listeners.
 *
 * The mechanism (OutboxDispatcher) runs every consumer of an event in its own unit of work
 * (`UnitOfWork.run`), together with the consumer's inbox row: database work done through
 * `TransactionHost.tx` happens exactly once per event and consumer. Effects outside PostgreSQL
 * (Redis, Bull, mail) stay at-least-once — a crash after the effect and before the commit
 * repeats it — so they must be idempotent (set a state, or derive a Bull `jobId` from the event).
 * A failing consumer is retried alone, with back-off, by the relay; the others are not re-run.
 *
 * One consumer id belongs to one listener class; it may subscribe to several events with one
 * handler each. A duplicate fails at boot. The class must be a singleton provider. `options.when`
 * narrows the events it receives by payload (a role change, not any update).
 * @throws Error at class definition when `consumer` is not `<context>.<reaction>` or `event`
 *   has no `eventName`.
 */
export function OnEvent<C extends DomainEventClass>(event: C & ConcreteEvent<C>, consumer: ConsumerId, options: OnEventOptions<PayloadOf<C>> = {}) {
  const eventName: unknown = (event as DomainEventClass | undefined)?.eventName;
  if (typeof eventName !== 'string' || !eventName) throw new Error(`@OnEvent(): ${String((event as { name?: string })?.name ?? event)} is not a domain event class (no static eventName)`);
  if (!CONSUMER_ID.test(consumer)) throw new Error(`@OnEvent(${eventName}): consumer id "${consumer}" is not <context>.<reaction> in lowercase kebab case`);
  return <M extends EventHandler<PayloadOf<C>>>(target: object, method: string | symbol, descriptor: TypedPropertyDescriptor<M>): void => {
    // Delivered through the in-process bus (@nestjs/event-emitter) on the consumer's own channel;
    // errors reach the dispatcher, which records them for this consumer alone.
    OnEmitterEvent(consumerChannel(eventName, consumer), { async: false, promisify: true, suppressErrors: false })(target, method, descriptor);
    const owner = target.constructor;
    const declared: EventConsumerDeclaration[] = Reflect.getOwnMetadata(EVENT_CONSUMERS, owner) ?? [];
    Reflect.defineMetadata(
      EVENT_CONSUMERS,
      [...declared, { eventName, consumer, method, when: options.when as EventConsumerDeclaration['when'], deferred: options.deferred === true }],
      owner,
    );
  };
}
