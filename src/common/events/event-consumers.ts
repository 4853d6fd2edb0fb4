import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DomainEventEnvelope } from './domain-event';
import { consumerChannel, EVENT_CONSUMERS, EventConsumerDeclaration } from './on-event.decorator';

/** A discovered consumer: one `@OnEvent()` handler bound to its provider instance. */
export interface EventConsumer {
  /** Stable consumer id, `<context>.<reaction>`. */
  id: string;
  eventName: string;
  /** `Class.method`, for logs and boot errors. */
  source: string;
  /** The provider instance the handler belongs to (one instance per consumer id). */
  instance: object;
  /** False when the consumer declines this envelope's payload (`@OnEvent(…, { when })`): it is not owed it. */
  wants(envelope: DomainEventEnvelope): boolean;
  /** Dispatched after the producer's response, in the background (`@OnEvent(…, { deferred: true })`). */
  deferred: boolean;
  handle(envelope: DomainEventEnvelope): Promise<void>;
}

const NONE: readonly EventConsumer[] = Object.freeze([]);

/**
 * Groups consumers by event name and enforces the uniqueness rule: a consumer id belongs to one
 * provider instance (one listener class, registered once), with at most one handler per event.
 * Order within an event follows discovery (module registration) order.
 * @throws Error naming both sources on a duplicate.
 */
export function indexConsumers(consumers: readonly EventConsumer[]): Map<string, EventConsumer[]> {
  const owners = new Map<string, EventConsumer>();
  const byEvent = new Map<string, EventConsumer[]>();
  for (const c of consumers) {
    const owner = owners.get(c.id);
    if (owner && owner.instance !== c.instance) {
      throw new Error(`event consumer id "${c.id}" is declared by ${owner.source} and ${c.source}; a consumer id belongs to one listener class, registered once`);
    }
    owners.set(c.id, owner ?? c);
    const list = byEvent.get(c.eventName) ?? [];
    const twin = list.find((other) => other.id === c.id);
    if (twin) throw new Error(`event consumer id "${c.id}" handles ${c.eventName} twice (${twin.source} and ${c.source})`);
    list.push(c);
    byEvent.set(c.eventName, list);
  }
  return byEvent;
}

/**
 * The consumers of every event, discovered once at boot from the providers' `@OnEvent()`
 * metadata (Nest DiscoveryService). A duplicate consumer id, or a consumer on a request-scoped
 * provider, fails the boot.
 */
@Injectable()
export class EventConsumers implements OnModuleInit {
  private byEvent?: Map<string, EventConsumer[]>;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly emitter: EventEmitter2,
  ) {}

  onModuleInit(): void {
    this.index();
  }

  /** The consumers of `eventName`, in a stable order; empty when nobody consumes it. */
  of(eventName: string): readonly EventConsumer[] {
    return this.index().get(eventName) ?? NONE;
  }

  /** The consumers owed `envelope`: those of its event that want its payload. */
  owed(envelope: DomainEventEnvelope): EventConsumer[] {
    return this.of(envelope.name).filter((c) => c.wants(envelope));
  }

  /** Every consumer of every event. */
  all(): EventConsumer[] {
    return [...this.index().values()].flat();
  }

  private index(): Map<string, EventConsumer[]> {
    this.byEvent ??= indexConsumers(this.discover());
    return this.byEvent;
  }

  private discover(): EventConsumer[] {
    const seen = new Set<object>();
    const found: EventConsumer[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object' || seen.has(instance)) continue;
      const declarations: EventConsumerDeclaration[] | undefined = Reflect.getMetadata(EVENT_CONSUMERS, instance.constructor);
      if (!declarations?.length) continue;
      seen.add(instance);
      const className = instance.constructor.name;
      if (!wrapper.isDependencyTreeStatic()) throw new Error(`${className} declares event consumers but is not a singleton provider`);
      for (const d of declarations) {
        const method = (instance as Record<string | symbol, unknown>)[d.method];
        const source = `${className}.${String(d.method)}`;
        if (typeof method !== 'function') throw new Error(`${source} is not a method`);
        const channel = consumerChannel(d.eventName, d.consumer);
        found.push({
          id: d.consumer,
          eventName: d.eventName,
          source,
          instance,
          wants: (envelope) => !d.when || (d.when as (payload: unknown) => boolean)(envelope.payload),
          deferred: d.deferred === true,
          handle: async (envelope) => {
            // Before the bus has subscribed its listeners (early boot) nothing answers: a failed
            // delivery, retried by the relay, never a silent success.
            const answered = await this.emitter.emitAsync(channel, envelope);
            if (!answered.length) throw new Error(`no listener subscribed on ${channel} yet`);
          },
        });
      }
    }
    return found;
  }
}
