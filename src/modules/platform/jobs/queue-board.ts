import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../../../config';
import { Clock } from '../../../common/time';
import { QueueStats } from '../metrics';

/** Where bull-board is mounted (outside /api/v1: it is a UI with its own assets and API). */
export const QUEUE_BOARD_PATH = '/admin/queues';
/** Name of the cookie that admits a staff member's browser to the board. */
export const QUEUE_BOARD_COOKIE = 'cp_queue_board';
/** Seconds a board session lasts. */
export const QUEUE_BOARD_SESSION_SECONDS = 900;
const SALT = 'control-plane/queue-board';

/**
 * Signs and checks board sessions: `<staffId>.<expiresUnixSeconds>.<hmac>` under a key derived by
 * HKDF from JWT_SECRET (its own label). Issued to owners and admins only
 * (POST /api/v1/admin/jobs/board-session), so the board needs no bearer header a browser could not send.
 */
@Injectable()
export class QueueBoardSessions {
  private readonly key: Buffer;
  /** Cookies only over HTTPS in production (RFC 6265 §4.1.2.5 `Secure`). */
  readonly secureCookies: boolean;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.secureCookies = config.nodeEnv === 'production';
    this.key = Buffer.from(hkdfSync('sha256', Buffer.from(config.jwt.secret, 'utf8'), SALT, 'board-session/v1', 32));
  }

  /** A session value for `staffId`, valid {@link QUEUE_BOARD_SESSION_SECONDS}. */
  issue(staffId: string): { value: string; expiresAt: Date } {
    const exp = Math.floor(this.clock.now().getTime() / 1000) + QUEUE_BOARD_SESSION_SECONDS;
    return { value: `${staffId}.${exp}.${this.mac(staffId, exp)}`, expiresAt: new Date(exp * 1000) };
  }

  /** The staff id of a valid, unexpired session value; null otherwise. */
  verify(value: string | undefined): string | null {
    const [staffId, expText, mac] = (value ?? '').split('.');
    const exp = Number(expText);
    if (!staffId || !mac || !Number.isInteger(exp) || exp * 1000 <= this.clock.now().getTime()) return null;
    const expected = Buffer.from(this.mac(staffId, exp));
    const given = Buffer.from(mac);
    return expected.length === given.length && timingSafeEqual(expected, given) ? staffId : null;
  }

  private mac(staffId: string, exp: number): string {
    return createHmac('sha256', this.key).update(`${staffId}.${exp}`).digest('base64url');
  }
}

/** The value of cookie `name` in a Cookie header (RFC 6265 §5.4), or undefined. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/**
 * bull-board (every Bull queue of the service) at `/admin/queues`, for owners and admins: the
 * browser must hold a board session cookie (POST /api/v1/admin/jobs/board-session, 15 minutes);
 * without one the board answers 401 problem+json.
 */
@Injectable()
export class QueueBoard implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly queueStats: QueueStats,
    private readonly sessions: QueueBoardSessions,
  ) {}

  onModuleInit(): void {
    const http = this.adapterHost.httpAdapter;
    // Preview mode (OpenAPI generation) has no HTTP server and no queue instances.
    if (!http) return;
    const serverAdapter = new ExpressAdapter();
    serverAdapter.setBasePath(QUEUE_BOARD_PATH);
    createBullBoard({ queues: this.queueStats.queues().map((q) => new BullAdapter(q)), serverAdapter });
    const guard = (req: Request, res: Response, next: NextFunction) => {
      if (this.sessions.verify(cookieValue(req.headers.cookie, QUEUE_BOARD_COOKIE))) return next();
      res
        .status(401)
        .type('application/problem+json')
        .json({ type: '/api/v1/problems/unauthorized', title: 'Authentication required', status: 401, code: 'unauthorized', detail: 'Open a board session first: POST /api/v1/admin/jobs/board-session (owner or admin).' });
    };
    http.use(QUEUE_BOARD_PATH, guard, serverAdapter.getRouter());
  }
}
