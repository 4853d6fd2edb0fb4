import { randomUUID } from 'node:crypto';
import { Actor } from '../context/request-context';

/** Actor facts carried by every event (no secrets). */
export interface EventActor {
  type: Actor['type'];
  id: string | null;
  impersonatorId: string | null;
}

/**
 * Base of every domain event (CONVENTIONS §3): dotted past-tense name on the class
 * (`static readonly eventName = 'tenant.created'`), ids and facts in `payload`.
 */
export abstract class DomainEvent<P extends object = Record<string, unknown>> {
  /** Dotted, past-tense name, e.g. `staff.created`; subclasses override. */
  static readonly eventName: string;
  readonly eventId: string = randomUUID();
  readonly occurredAt: string = new Date().toISOString();

  constructor(
    readonly tenantId: string | null,
    readonly payload: P,
    public actor?: EventActor,
  ) {}

  get name(): string {
    return (this.constructor as typeof DomainEvent).eventName;
  }
}

/**
 * What consumers receive: the JSON form of an event as stored in the outbox, identical on the
 * first dispatch and on a relay re-dispatch. A consumer's database work runs once per `eventId`
 * (the mechanism's inbox); its effects outside PostgreSQL may repeat and must be idempotent.
 */
export interface DomainEventEnvelope<P = Record<string, unknown>> {
  eventId: string;
  name: string;
  occurredAt: string;
  tenantId: string | null;
  actor: EventActor;
  payload: P;
}

/**
 * An event class as a value: what `@OnEvent()` subscribes to. Its static `eventName` names the
 * event on the wire (outbox rows, envelopes); its instances carry the payload type.
 */
export interface DomainEventClass<P extends object = object> {
  readonly eventName: string;
  readonly prototype: DomainEvent<P>;
}

/** The payload type of an event class: `PayloadOf<typeof TenantDeletedEvent>`. */
export type PayloadOf<C> = C extends { readonly prototype: DomainEvent<infer P> } ? P : never;

/** The envelope a consumer of event class `C` receives. */
export type EnvelopeOf<C> = DomainEventEnvelope<PayloadOf<C>>;
