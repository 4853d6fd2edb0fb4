import { Inject, Injectable } from '@nestjs/common';
import axios, { AxiosError } from 'axios';
import type { Agent } from 'node:http';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';
import { Webhook } from 'standardwebhooks';
import { APP_CONFIG, AppConfig } from '../../../config';

/** Bytes of a response body kept in the delivery log. */
export const MAX_LOGGED_RESPONSE_BYTES = 4096;
/** Longest Retry-After honoured, seconds (a receiver cannot park a message for more than a day). */
const MAX_RETRY_AFTER_SECONDS = 86_400;

/** One signed request, ready to send. */
export interface WebhookRequest {
  url: string;
  /** The message id: the `webhook-id` header, the same on every attempt. */
  messageId: string;
  body: string;
  /** Signing secrets (`whsec_…`): the current one first; during a rotation overlap the previous one too. */
  secrets: string[];
  /** Custom headers with their plain values, and whether each is a secret (masked in the log). */
  headers: { name: string; value: string; secret: boolean }[];
  /** Signing time (the `webhook-timestamp`). */
  at: Date;
}

/** What one attempt did: for the delivery log and the retry decision. */
export interface WebhookResponse {
  success: boolean;
  status: number | null;
  headers: Record<string, string> | null;
  /** First {@link MAX_LOGGED_RESPONSE_BYTES} bytes of the body. */
  body: string | null;
  durationMs: number;
  /** Why it failed, when no 2xx came back (timeout, refused address, status). */
  error: string | null;
  /** Seconds the receiver asked to wait (Retry-After on 429 / 503), capped at a day. */
  retryAfterSeconds: number | null;
  /** Request headers as logged (secret values masked). */
  requestHeaders: Record<string, string>;
}

/**
 * Sends webhook requests: signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature` with one `v1,` signature per secret), through axios with
 * request-filtering-agent so that no loopback, private, link-local or cloud-metadata address is
 * reached — checked on the resolved address of every connection, so DNS cannot smuggle one in.
 * Redirects are not followed (a 3xx is a failed attempt), so a redirect cannot either. Only a 2xx
 * is a success. WEBHOOK_ALLOWED_PRIVATE_TARGETS (test only, refused in production) lets listed
 * addresses through.
 */
@Injectable()
export class WebhookSender {
  private readonly httpAgent: Agent;
  private readonly httpsAgent: Agent;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    const filter = { allowIPAddressList: config.webhooks.allowedPrivateTargets, keepAlive: true, maxSockets: 64 };
    this.httpAgent = new RequestFilteringHttpAgent(filter);
    this.httpsAgent = new RequestFilteringHttpsAgent(filter);
  }

  /** The signature header value for `body` (exported for the docs' verification snippet and tests). */
  static sign(secrets: string[], messageId: string, at: Date, body: string): string {
    return secrets.map((s) => new Webhook(s).sign(messageId, at, body)).join(' ');
  }

  /** Performs one attempt; never throws (a network error is a failed response). */
  async send(req: WebhookRequest): Promise<WebhookResponse> {
    const signed: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'control-plane-webhooks/1.0',
      'webhook-id': req.messageId,
      'webhook-timestamp': String(Math.floor(req.at.getTime() / 1000)),
      'webhook-signature': WebhookSender.sign(req.secrets, req.messageId, req.at, req.body),
    };
    const custom = Object.fromEntries(req.headers.map((h) => [h.name.toLowerCase(), h.value]));
    const logged: Record<string, string> = { ...Object.fromEntries(req.headers.map((h) => [h.name.toLowerCase(), h.secret ? '••••••' : h.value])), ...signed };
    const started = process.hrtime.bigint();
    const elapsed = () => Number((process.hrtime.bigint() - started) / 1_000_000n);
    try {
      const res = await axios.post<string>(req.url, req.body, {
        headers: { ...custom, ...signed },
        httpAgent: this.httpAgent,
        httpsAgent: this.httpsAgent,
        timeout: this.config.webhooks.timeoutMs,
        maxRedirects: 0,
        responseType: 'text',
        transformResponse: (data: unknown) => data,
        maxContentLength: 1_000_000,
        validateStatus: () => true,
        proxy: false,
      });
      const status = res.status;
      const success = status >= 200 && status < 300;
      const headers = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]));
      return {
        success,
        status,
        headers,
        body: truncate(typeof res.data === 'string' ? res.data : String(res.data ?? '')),
        durationMs: elapsed(),
        error: success ? null : status >= 300 && status < 400 ? `redirect to ${headers.location ?? '?'} not followed` : `HTTP ${status}`,
        retryAfterSeconds: status === 429 || status === 503 ? parseRetryAfter(headers['retry-after'], new Date()) : null,
        requestHeaders: logged,
      };
    } catch (err) {
      const e = err as AxiosError;
      const error = e.code === 'ECONNABORTED' || e.code === 'ETIMEDOUT' ? `timeout after ${this.config.webhooks.timeoutMs} ms` : (e.message ?? String(err));
      return { success: false, status: null, headers: null, body: null, durationMs: elapsed(), error, retryAfterSeconds: null, requestHeaders: logged };
    }
  }
}

function truncate(body: string): string {
  const bytes = Buffer.from(body, 'utf8');
  return bytes.length <= MAX_LOGGED_RESPONSE_BYTES ? body : bytes.subarray(0, MAX_LOGGED_RESPONSE_BYTES).toString('utf8');
}

/** Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: Date): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  const seconds = /^\d+$/.test(trimmed) ? Number(trimmed) : Math.ceil((Date.parse(trimmed) - now.getTime()) / 1000);
  if (!Number.isFinite(seconds)) return null;
  return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(0, seconds));
}
