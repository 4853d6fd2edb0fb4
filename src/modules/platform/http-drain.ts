import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { APP_CONFIG, AppConfig } from '../../config';
import { ShutdownState } from './shutdown-state';

/** Share of SHUTDOWN_TIMEOUT_MS the HTTP drain may use; the rest is left to queues and pools. */
const DRAIN_SHARE = 0.75;
/**
 * The listener closes once no connection or request has arrived for this long (ms)...
 */
const QUIET_MS = 100;
/** ...or at the latest this long (ms) after draining began, when traffic does not stop. */
const ACCEPT_WINDOW_MAX_MS = 2000;
/** Longest wait, in ms, for the first request on a connection accepted but still silent when the listener closes. */
const SILENT_CONNECTION_GRACE_MS = 1000;

/**
 * Graceful HTTP drain on shutdown (CONVENTIONS §9; RFC 9112 §9.6 tear-down). It runs in
 * `beforeApplicationShutdown`, i.e. after `onModuleDestroy` and before Nest closes the HTTP server
 * and, in `onApplicationShutdown`, the Bull queues, Redis and the database pool — so every request
 * it waits for still has them. In order:
 * 1. {@link ShutdownState} is set (readiness answers 503); every response not yet started gets
 *    `Connection: close`, so keep-alive clients reconnect elsewhere after their answer;
 * 2. accept window: connections the kernel has already queued and request bytes already received
 *    are taken in, because closing the listener or an idle socket over them resets them (under
 *    load the event loop reaches them tens of ms late). The window ends once {@link QUIET_MS}
 *    pass without a new connection or request (checked after one more poll of the event loop),
 *    or after {@link ACCEPT_WINDOW_MAX_MS} under steady traffic (the load balancer should have
 *    left by then: readiness has been 503 all along);
 * 3. the listener closes (new connections are refused) and idle keep-alive connections are
 *    closed (`server.close()`, Node ≥ 19);
 * 4. connections accepted but still silent get up to {@link SILENT_CONNECTION_GRACE_MS} for their
 *    request, which is then answered with `Connection: close`; silent ones are closed after it;
 * 5. it waits until every connection has ended, at most {@link DRAIN_SHARE} of SHUTDOWN_TIMEOUT_MS
 *    after draining began; connections still open then are destroyed (logged).
 * Keep-alive connections whose response headers left before the drain are closed once that
 * response ends. Hand-written because the libraries at hand (http-terminator, stoppable behind
 * @godaddy/terminus) destroy every connection without a response in progress at once, including
 * accepted ones whose request is already in the socket buffer, and close the listener over
 * queued connections: the resets this drain avoids.
 */
@Injectable()
export class HttpDrain implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(HttpDrain.name);
  /** Open connections and how many requests each has started. */
  private readonly connections = new Map<Socket, number>();
  /** Responses not yet closed. */
  private readonly responses = new Set<ServerResponse>();
  private server: Server | null = null;
  /** Set once the listener has closed: from then on a connection that falls idle is closed. */
  private listenerClosed = false;
  private drained: Promise<void> | null = null;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly state: ShutdownState,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Starts tracking the Nest HTTP server's connections and responses (before it listens). */
  onApplicationBootstrap(): void {
    const server: unknown = this.adapterHost.httpAdapter?.getHttpServer();
    if (!(server instanceof Server)) return;
    this.server = server;
    server.on('connection', (socket: Socket) => {
      this.connections.set(socket, 0);
      socket.once('close', () => this.connections.delete(socket));
    });
    // Prepended, so the header is set before Express (the first listener) can answer.
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
      this.connections.set(req.socket, (this.connections.get(req.socket) ?? 0) + 1);
      if (this.state.draining) res.setHeader('Connection', 'close');
      this.responses.add(res);
      res.once('close', () => {
        this.responses.delete(res);
        // A keep-alive response whose headers left before the drain: close its connection now.
        if (this.listenerClosed) setImmediate(() => server.closeIdleConnections());
      });
    });
  }

  /** Drains the HTTP server (see the class); idempotent. */
  beforeApplicationShutdown(): Promise<void> {
    this.drained ??= this.drain();
    return this.drained;
  }

  private async drain(): Promise<void> {
    this.state.begin();
    const server = this.server;
    if (!server?.listening) return;
    const since = this.state.drainingSince ?? Date.now();
    const deadline = since + this.config.shutdownTimeoutMs * DRAIN_SHARE;
    for (const res of this.responses) if (!res.headersSent) res.setHeader('Connection', 'close');

    await this.acceptWindow(server, Math.min(since + ACCEPT_WINDOW_MAX_MS, deadline));
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    this.listenerClosed = true;
    this.logger.log(`draining: ${this.connections.size} connection(s), ${this.responses.size} request(s) in progress`);

    const graceMs = Math.max(0, Math.min(SILENT_CONNECTION_GRACE_MS, deadline - Date.now()));
    const silent = setTimeout(() => {
      for (const [socket, requests] of this.connections) if (requests === 0) socket.destroy();
    }, graceMs);
    let expired = false;
    const stop = setTimeout(() => {
      expired = true;
      if (this.connections.size) this.logger.warn(`drain deadline reached; closing ${this.connections.size} connection(s) still open`);
      for (const socket of this.connections.keys()) socket.destroy();
    }, Math.max(0, deadline - Date.now()));
    await closed;
    clearTimeout(silent);
    clearTimeout(stop);
    if (!expired) this.logger.log('drained: every accepted request was answered');
  }

  /** Resolves once the server has been quiet for QUIET_MS (see the class), or at `until` (ms since the epoch). */
  private acceptWindow(server: Server, until: number): Promise<void> {
    return new Promise<void>((resolve) => {
      let active = false;
      const activity = (): void => {
        active = true;
      };
      // A timer can fire after a long turn, before that turn's queued accepts and reads are
      // polled: decide in the check phase, after the poll, whether the spell was really quiet.
      const quiet = setTimeout(function check() {
        setImmediate(() => {
          if (!active) return done();
          active = false;
          quiet.refresh();
        });
      }, QUIET_MS);
      const cap = setTimeout(done, Math.max(0, until - Date.now()));
      server.on('connection', activity);
      server.on('request', activity);
      function done(): void {
        clearTimeout(quiet);
        clearTimeout(cap);
        server.off('connection', activity);
        server.off('request', activity);
        resolve();
      }
    });
  }
}
