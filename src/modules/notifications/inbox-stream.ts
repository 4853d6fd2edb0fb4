import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Request, Response } from 'express';
import Redis from 'ioredis';
import { startEventStream } from '../../common/http';
import { REDIS } from '../../common/redis/redis.module';
import { InboxOwner, InboxService } from './inbox.service';

/** Seconds between heartbeats of an idle inbox stream. */
export const INBOX_HEARTBEAT_SECONDS = 15;

/**
 * Live inbox streams (Server-Sent Events). A dispatcher on any instance publishes on the
 * recipient's Redis channel after commit; each instance holds one pattern subscription and wakes
 * the streams of that recipient, which read what is new from PostgreSQL after the last one they
 * sent (so a wake-up lost in transit is caught up at the next one, and `Last-Event-ID` resumes).
 * Each message: `event: notification` with the notification, then `event: unread_count`.
 */
@Injectable()
export class InboxStream implements OnModuleInit, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger(InboxStream.name);
  private subscriber?: Redis;
  private readonly wakers = new Map<string, Set<() => void>>();
  private readonly closers = new Set<() => void>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly inbox: InboxService,
  ) {}

  async onModuleInit(): Promise<void> {
    this.subscriber = this.redis.duplicate();
    this.subscriber.on('error', (err: Error) => this.logger.warn(`inbox stream subscriber: ${err.message}`));
    this.subscriber.on('pmessage', (_p: string, channel: string) => {
      for (const wake of this.wakers.get(channel.slice('notifications:'.length)) ?? []) wake();
    });
    await this.subscriber.psubscribe('notifications:*');
  }

  /** Ends the open streams at shutdown, before the HTTP drain would wait for them. */
  onModuleDestroy(): void {
    for (const close of [...this.closers]) close();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber?.quit().catch(() => undefined);
  }

  /** Serves one inbox stream on `res` until the client leaves. */
  async open(owner: InboxOwner, req: Request, res: Response): Promise<void> {
    const recipientId = owner.kind === 'tenant' ? owner.userId : owner.staffId;
    const heartbeat = startEventStream(res, INBOX_HEARTBEAT_SECONDS);
    const header = req.headers['last-event-id'];
    let last: string | null = typeof header === 'string' && /^[0-9a-f-]{36}$/i.test(header) ? header : null;
    let running: Promise<void> = Promise.resolve();
    let closed = false;
    const catchUp = () => {
      running = running.then(async () => {
        if (closed) return;
        const fresh = await this.inbox.after(owner, last);
        for (const n of fresh) {
          res.write(`id: ${n.id}\nevent: notification\ndata: ${JSON.stringify(n)}\n\n`);
          last = n.id;
        }
        res.write(`event: unread_count\ndata: ${JSON.stringify({ unreadCount: await this.inbox.unreadCount(owner) })}\n\n`);
      }).catch((err: Error) => this.logger.warn(`inbox stream: ${err.message}`));
    };
    const set = this.wakers.get(recipientId) ?? new Set();
    set.add(catchUp);
    this.wakers.set(recipientId, set);
    const end = () => res.end();
    this.closers.add(end);
    req.on('close', () => {
      closed = true;
      heartbeat.stop();
      set.delete(catchUp);
      if (!set.size) this.wakers.delete(recipientId);
      this.closers.delete(end);
    });
    // A fresh stream sends only the unread count; a resumed one what it missed too.
    if (!last) last = await this.inbox.newestId(owner);
    catchUp();
  }
}
