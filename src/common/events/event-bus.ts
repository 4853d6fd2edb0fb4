import { Injectable, Optional } from '@nestjs/common';
import type { JsonObject } from '../../database/json';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsService } from 'nestjs-cls';
import { RequestContext } from '../context/request-context';
import { DomainEvent, DomainEventEnvelope } from './domain-event';
import { EventConsumers } from './event-consumers';
import { OutboxEntry } from './outbox-entry.entity';
import { PENDING_EVENTS, UnitOfWork } from './unit-of-work';

/**
 * Port: hears every event once its transaction has committed (after commit, best effort: a crash
 * between commit and broadcast loses the broadcast, not the event, which stays in the outbox). The
 * integrations context's real-time stream binds it to Redis pub/sub.
 */
export abstract class CommittedEventsBroadcaster {
  abstract broadcast(envelopes: DomainEventEnvelope[]): Promise<void>;
}

/** Seconds the producing instance holds the lease on its fresh outbox rows before the relay may take them. */
export const OUTBOX_LEASE_SECONDS = 30;

/**
 * Publishes domain events through the transactional outbox (CONVENTIONS §3): `publish()` writes
 * one outbox row per event in the caller's transaction; the surrounding {@link UnitOfWork}
 * dispatches them after commit. An event nobody consumes is written already dispatched, so it
 * costs no round trip after commit. @throws Error when called outside a unit of work (a bug).
 */
@Injectable()
export class EventBus {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly cls: ClsService,
    private readonly context: RequestContext,
    private readonly consumers: EventConsumers,
    private readonly uow: UnitOfWork,
    @Optional() private readonly broadcaster?: CommittedEventsBroadcaster,
  ) {}

  async publish(...events: DomainEvent<object>[]): Promise<void> {
    if (!this.cls.isActive() || !this.txHost.isTransactionActive() || !Array.isArray(this.cls.get(PENDING_EVENTS))) {
      throw new Error('EventBus.publish() must run inside UnitOfWork.run()');
    }
    const actor = this.context.actor;
    const envelopes: DomainEventEnvelope<object>[] = events.map((event) => ({
      eventId: event.eventId,
      name: event.name,
      occurredAt: event.occurredAt,
      tenantId: event.tenantId,
      actor: event.actor ?? { type: actor.type, id: actor.id, impersonatorId: actor.impersonatorId },
      payload: event.payload,
    }));
    const now = Date.now();
    const lockedUntil = new Date(now + OUTBOX_LEASE_SECONDS * 1000);
    // An event no consumer is owed is stored as dispatched: no delivery transaction after commit.
    const consumed = envelopes.filter((e) => this.consumers.owed(e as DomainEventEnvelope).length > 0);
    await this.txHost.tx.getRepository(OutboxEntry).insert(
      envelopes.map((e) => ({
        id: e.eventId,
        eventName: e.name,
        tenantId: e.tenantId,
        envelope: e as unknown as JsonObject,
        occurredAt: new Date(e.occurredAt),
        lockedUntil,
        dispatchedAt: consumed.includes(e) ? null : new Date(now),
      })),
    );
    // The array was created by UnitOfWork.run and is shared by reference into nested contexts.
    (this.cls.get(PENDING_EVENTS) as DomainEventEnvelope[]).push(...(consumed as DomainEventEnvelope[]));
    const broadcaster = this.broadcaster;
    if (broadcaster) await this.uow.afterCommit(() => broadcaster.broadcast(envelopes as DomainEventEnvelope[]));
  }
}
