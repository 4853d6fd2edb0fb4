import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import Redis from 'ioredis';
import { CommittedEventsBroadcaster, DomainEventEnvelope } from '../../../common/events';
import { REDIS } from '../../../common/redis/redis.module';

/** Redis channel of a tenant's committed events. */
export const tenantEventsChannel = (tenantId: string) => `events:tenant:${tenantId}`;
/** Events replayed at most per resume (Last-Event-ID); older ones are pruned with the outbox after 7 days anyway. */
export const MAX_REPLAY = 1000;

/** One event as the stream sends it (the outbox envelope). */
export type StreamEvent = DomainEventEnvelope;

type Listener = (event: StreamEvent) => void;

/**
 * The real-time event stream's fan-out: every committed event of a tenant is published on its
 * Redis channel (the {@link CommittedEventsBroadcaster} adapter), and each instance holds one
 * pattern subscription that hands events to the streams open on it — so a stream on any instance
 * sees events committed on any other. Resuming (`Last-Event-ID`) replays from the outbox.
 */
@Injectable()
export class EventStreamService extends CommittedEventsBroadcaster implements OnModuleInit, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger(EventStreamService.name);
  private subscriber?: Redis;
  private readonly listeners = new Map<string, Set<Listener>>();
  /** Ends each open stream (at shutdown, so the HTTP drain does not wait for them). */
  private readonly closers = new Set<() => void>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
  ) {
    super();
  }

  async onModuleInit(): Promise<void> {
    this.subscriber = this.redis.duplicate();
    this.subscriber.on('error', (err: Error) => this.logger.warn(`event stream subscriber: ${err.message}`));
    this.subscriber.on('pmessage', (_pattern: string, channel: string, message: string) => {
      const tenantId = channel.slice('events:tenant:'.length);
      const set = this.listeners.get(tenantId);
      if (!set?.size) return;
      let event: StreamEvent;
      try {
        event = JSON.parse(message) as StreamEvent;
      } catch {
        return;
      }
      for (const listener of set) listener(event);
    });
    await this.subscriber.psubscribe('events:tenant:*');
  }

  /** Ends the open streams at shutdown, before the HTTP drain (which would wait for them): a client reconnects elsewhere with Last-Event-ID. */
  onModuleDestroy(): void {
    for (const close of [...this.closers]) close();
  }

  /** Registers how to end an open stream; returns the function that unregisters it. */
  track(close: () => void): () => void {
    this.closers.add(close);
    return () => this.closers.delete(close);
  }

  async onApplicationShutdown(): Promise<void> {
    this.listeners.clear();
    await this.subscriber?.quit().catch(() => undefined);
  }

  /** @inheritdoc Publishes each tenant event on its tenant's channel (platform events have none). */
  async broadcast(envelopes: DomainEventEnvelope[]): Promise<void> {
    const tenantEvents = envelopes.filter((e) => e.tenantId);
    if (!tenantEvents.length) return;
    const pipeline = this.redis.pipeline();
    for (const e of tenantEvents) pipeline.publish(tenantEventsChannel(e.tenantId!), JSON.stringify(e));
    await pipeline.exec();
  }

  /** Registers a stream's listener for a tenant's live events; returns the function that removes it. */
  listen(tenantId: string, listener: Listener): () => void {
    const set = this.listeners.get(tenantId) ?? new Set<Listener>();
    set.add(listener);
    this.listeners.set(tenantId, set);
    return () => {
      set.delete(listener);
      if (!set.size) this.listeners.delete(tenantId);
    };
  }

  /**
   * The tenant's events after the one with id `lastEventId`, oldest first (at most
   * {@link MAX_REPLAY}); empty when that event is unknown (pruned, or another tenant's).
   */
  async after(tenantId: string, lastEventId: string): Promise<StreamEvent[]> {
    const rows: { envelope: StreamEvent }[] = await this.txHost.tx.query(
      `SELECT o.envelope FROM outbox o
         JOIN outbox last ON last.id = $2 AND last.tenant_id = $1
        WHERE o.tenant_id = $1 AND (o.occurred_at, o.id) > (last.occurred_at, last.id)
        ORDER BY o.occurred_at, o.id LIMIT ${MAX_REPLAY}`,
      [tenantId, lastEventId],
    );
    return rows.map((r) => r.envelope);
  }
}
