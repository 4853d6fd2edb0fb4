import 'reflect-metadata';
import { DomainEvent, DomainEventEnvelope, EnvelopeOf } from './domain-event';
import { EventConsumer, indexConsumers } from './event-consumers';
import { EVENT_CONSUMERS, EventConsumerDeclaration, OnEvent } from './on-event.decorator';

class ThingShippedEvent extends DomainEvent<{ thingId: string; carrier: string }> {
  static override readonly eventName = 'thing.shipped';
}

class ThingLostEvent extends DomainEvent<{ thingId: string }> {
  static override readonly eventName = 'thing.lost';
}

/** Not an event: no payload, no envelope fields. */
class NotAnEvent {
  static readonly eventName = 'not.an_event';
}

describe('@OnEvent()', () => {
  it('records the event name from the class and the consumer id on the listener class', () => {
    class ShippingListener {
      @OnEvent(ThingShippedEvent, 'shipping.notify-carrier', { deferred: true })
      async notify(event: EnvelopeOf<typeof ThingShippedEvent>): Promise<void> {
        void event.payload.carrier;
      }

      // One handler may serve several events as long as it accepts each payload.
      @OnEvent(ThingShippedEvent, 'shipping.track')
      @OnEvent(ThingLostEvent, 'shipping.track')
      async track(event: DomainEventEnvelope<{ thingId: string }>): Promise<void> {
        void event.payload.thingId;
      }
    }
    const declared: EventConsumerDeclaration[] = Reflect.getMetadata(EVENT_CONSUMERS, ShippingListener);
    expect(declared).toEqual([
      { eventName: 'thing.shipped', consumer: 'shipping.notify-carrier', method: 'notify', deferred: true },
      { eventName: 'thing.lost', consumer: 'shipping.track', method: 'track', deferred: false },
      { eventName: 'thing.shipped', consumer: 'shipping.track', method: 'track', deferred: false },
    ]);
  });

  it('does not compile for a handler whose payload type is not the event’s, nor for a non-event class', () => {
    // These classes are never defined at run time; `tsc --noEmit` (npm run typecheck) checks that
    // each expect-error line below is an error, and fails the build once one stops being one.
    const compileOnly = () => {
      class WrongPayload {
        // @ts-expect-error the handler wants `parcelId`, thing.shipped carries `thingId`
        @OnEvent(ThingShippedEvent, 'shipping.wrong-payload')
        async handle(event: DomainEventEnvelope<{ parcelId: string }>): Promise<void> {
          void event;
        }
      }
      class NotAnEventClass {
        // @ts-expect-error a class that is not a DomainEvent names no event
        @OnEvent(NotAnEvent, 'shipping.not-an-event')
        async handle(): Promise<void> {}
      }
      class BaseClass {
        // @ts-expect-error the abstract base names no particular event
        @OnEvent(DomainEvent, 'shipping.any-event')
        async handle(): Promise<void> {}
      }
      class NoContext {
        // @ts-expect-error a consumer id is <context>.<reaction>
        @OnEvent(ThingShippedEvent, 'notify-carrier')
        async handle(): Promise<void> {}
      }
      return [WrongPayload, NotAnEventClass, BaseClass, NoContext];
    };
    expect(typeof compileOnly).toBe('function');
  });

  it('rejects at class definition what types cannot see: a class without eventName, a malformed consumer id', () => {
    const noName = () => OnEvent(class {} as never, 'shipping.x');
    expect(noName).toThrow(/is not a domain event class/);
    expect(() => OnEvent(ThingShippedEvent, 'Shipping.Notify' as never)).toThrow(/is not <context>.<reaction>/);
  });
});

describe('indexConsumers', () => {
  const consumer = (id: string, eventName: string, instance: object, source = 'Listener.handle'): EventConsumer => ({ id, eventName, instance, source, wants: () => true, deferred: false, handle: async () => {} });

  it('groups consumers by event, one consumer id serving several events of one listener', () => {
    const listener = {};
    const other = {};
    const index = indexConsumers([consumer('a.sync', 'x.done', listener), consumer('a.sync', 'y.done', listener), consumer('b.react', 'x.done', other)]);
    expect(index.get('x.done')!.map((c) => c.id)).toEqual(['a.sync', 'b.react']);
    expect(index.get('y.done')!.map((c) => c.id)).toEqual(['a.sync']);
  });

  it('fails on a consumer id declared by two listeners, or twice for one event', () => {
    expect(() => indexConsumers([consumer('a.sync', 'x.done', {}, 'A.handle'), consumer('a.sync', 'y.done', {}, 'B.handle')])).toThrow(/"a.sync" is declared by A.handle and B.handle/);
    const listener = {};
    expect(() => indexConsumers([consumer('a.sync', 'x.done', listener, 'A.one'), consumer('a.sync', 'x.done', listener, 'A.two')])).toThrow(/handles x.done twice/);
  });
});
