import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';

/** One request the receiver got. */
export interface ReceivedWebhook {
  /** Request path: each test's endpoint gets its own path on the one receiver. */
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

/** What the receiver answers: a status (and headers), or a function of the request. */
export type ReceiverAnswer = { status: number; headers?: Record<string, string>; body?: string; delayMs?: number };

/**
 * A loopback HTTP receiver for webhook e2e tests: records every request (raw body, headers) and
 * answers what `respond` says (default 204). The delivery engine reaches it only because the test
 * app allows 127.0.0.1 (WEBHOOK_ALLOWED_PRIVATE_TARGETS).
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  /** Answers by path; a path without an entry gets 204. */
  readonly answers = new Map<string, (req: ReceivedWebhook, index: number) => ReceiverAnswer>();
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const got: ReceivedWebhook = { path: req.url ?? '/', headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])), body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
        this.received.push(got);
        const answer = (this.answers.get(got.path) ?? ((): ReceiverAnswer => ({ status: 204 })))(got, this.at(got.path).length - 1);
        setTimeout(() => {
          res.writeHead(answer.status, answer.headers ?? {});
          res.end(answer.body ?? '');
        }, answer.delayMs ?? 0);
      });
    });
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Requests received on `path`, in arrival order. */
  at(path: string): ReceivedWebhook[] {
    return this.received.filter((r) => r.path === path);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
