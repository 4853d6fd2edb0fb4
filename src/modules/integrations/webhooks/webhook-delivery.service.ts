import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { Queue } from 'bull';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { DomainEventEnvelope, EventBus, UnitOfWork } from '../../../common/events';
import { REDIS } from '../../../common/redis/redis.module';
import { Clock } from '../../../common/time';
import { APP_CONFIG, AppConfig } from '../../../config';
import { matchesEventType } from './event-type-patterns';
import { webhookEventType } from './event-types';
import { PayloadTemplate } from './payload-template';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { WebhookDeliveryExhaustedEvent, WebhookEndpointDisabledEvent } from '../events';
import { WebhookSecrets } from './webhook-secrets';
import { WebhookResponse, WebhookSender } from './webhook-sender';

/** Bull queue of webhook deliveries (one job per message attempt). */
export const WEBHOOKS_QUEUE = 'webhooks';
/**
 * An attempt holds its message's lease for the HTTP timeout plus this margin (capped at the
 * timeout itself, so a short timeout reclaims quickly); past it a crashed worker's message is
 * reclaimed by the sweep.
 */
const LEASE_MARGIN_MS = 15_000;
/** Consecutive failures that open an endpoint's circuit breaker. */
export const BREAKER_THRESHOLD = 5;
/** How long an open breaker first stays open, seconds; it doubles with each failed probe, up to {@link BREAKER_MAX_SECONDS}. */
const BREAKER_BASE_SECONDS = 30;
const BREAKER_MAX_SECONDS = 600;
/**
 * Attempts one endpoint may have in flight at once on the whole cluster: a healthy receiver gets
 * up to {@link MAX_IN_FLIGHT}; one that is failing gets a single probe at a time, so a dead
 * receiver (every attempt waiting for the timeout) never holds more than one worker slot.
 */
export const MAX_IN_FLIGHT = 5;

/** Bull job id of a message's attempt: derived from the event and the endpoint (and the attempt), so a re-dispatch never doubles a delivery. */
export function deliveryJobId(eventId: string, endpointId: string, attempt: number): string {
  return `${eventId}:${endpointId}:${attempt}`;
}

/** The body an endpoint receives for an event when it has no payload definition: the event envelope. */
export function webhookEnvelope(e: DomainEventEnvelope): { eventId: string; type: string; occurredAt: string; tenantId: string | null; actor: DomainEventEnvelope['actor']; data: unknown } {
  return { eventId: e.eventId, type: e.name, occurredAt: e.occurredAt, tenantId: e.tenantId, actor: e.actor, data: e.payload };
}

interface ClaimedMessage {
  id: string;
  endpoint_id: string;
  tenant_id: string | null;
  event_id: string;
  event_type: string;
  body: string;
  attempts: number;
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  headers: WebhookEndpoint['headers'];
  ordering: string;
  consecutive_failures: number;
  failing_since: Date | null;
  rate_limit_per_second: number | null;
}

/** A job's data: the message to attempt. */
export interface DeliveryJob {
  messageId: string;
}

/**
 * The delivery engine of outbound webhooks (tenant endpoints and platform webhooks):
 *
 * - Fan-out: for each committed event, in the consumer's transaction, one message per enabled
 *   endpoint subscribed to its type (unique per event and endpoint, body rendered once); after
 *   commit one Bull job per message. A crash in between is healed by {@link sweep}.
 * - Attempt: a conditional UPDATE claims the message (`delivering`, leased); per_tenant ordering
 *   waits for every earlier message of the endpoint to finish; an open breaker or the endpoint's
 *   rate limit postpones without spending an attempt. The attempt, the message's new state and the
 *   endpoint's health are written in one transaction.
 * - Retries: the configured schedule (default 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h after the
 *   immediate attempt) with ±10 % jitter, or the receiver's Retry-After on 429/503; then `failed`
 *   and `webhook.delivery_exhausted`. 410 disables the endpoint at once; no success for
 *   WEBHOOK_DISABLE_AFTER_FAILING_DAYS disables it too (`webhook.endpoint_disabled`).
 */
@Injectable()
export class WebhookDelivery {
  private readonly logger = new Logger(WebhookDelivery.name);

  constructor(
    @InjectQueue(WEBHOOKS_QUEUE) private readonly queue: Queue,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly uow: UnitOfWork,
    private readonly events: EventBus,
    private readonly sender: WebhookSender,
    private readonly secrets: WebhookSecrets,
    private readonly clock: Clock,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Creates the messages of one committed event (runs in the consumer's unit of work) and
   * enqueues their first attempts after commit. Returns how many were created.
   */
  async fanOut(envelope: DomainEventEnvelope): Promise<number> {
    const type = webhookEventType(envelope.name);
    if (!type) return 0;
    const tenantAudience = type.audiences.includes('tenant') && envelope.tenantId !== null;
    const platformAudience = type.audiences.includes('platform');
    if (!tenantAudience && !platformAudience) return 0;
    const endpoints: { id: string; tenant_id: string | null; event_types: string[]; payload_template: string | null }[] = await this.txHost.tx.query(
      `SELECT id, tenant_id, event_types, payload_template FROM webhook_endpoints
        WHERE enabled AND ((tenant_id = $1 AND $2) OR (tenant_id IS NULL AND $3))`,
      [envelope.tenantId, tenantAudience, platformAudience],
    );
    const wanted = endpoints.filter((e) => matchesEventType(e.event_types, envelope.name));
    if (!wanted.length) return 0;
    const rows: { id: string; endpointId: string; tenantId: string | null; body: string }[] = [];
    for (const e of wanted) {
      let body: string;
      try {
        body = JSON.stringify(await PayloadTemplate.compile(e.payload_template).render(webhookEnvelope(envelope)));
      } catch (err) {
        // A definition that fails on this event: the message is stored failed with the reason, visible in the log.
        body = JSON.stringify({ error: (err as Error).message });
        await this.insertMessages([{ id: randomUUID(), endpointId: e.id, tenantId: e.tenant_id, body }], envelope, 'failed', `payload definition failed: ${(err as Error).message}`);
        continue;
      }
      rows.push({ id: randomUUID(), endpointId: e.id, tenantId: e.tenant_id, body });
    }
    const created = await this.insertMessages(rows, envelope, 'pending', null);
    if (created.length) await this.uow.afterCommit(() => this.enqueue(created.map((m) => ({ messageId: m.id, eventId: envelope.eventId, endpointId: m.endpoint_id, attempt: 1, delayMs: 0 }))));
    return created.length;
  }

  private async insertMessages(rows: { id: string; endpointId: string; tenantId: string | null; body: string }[], envelope: DomainEventEnvelope, status: 'pending' | 'failed', error: string | null): Promise<{ id: string; endpoint_id: string }[]> {
    if (!rows.length) return [];
    return this.txHost.tx.query(
      `INSERT INTO webhook_messages (id, endpoint_id, tenant_id, event_tenant_id, event_id, event_type, body, status, last_error)
       SELECT r.id, r.endpoint_id, r.tenant_id, $4, $5, $6, r.body, $7, $8
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $9::text[]) AS r(id, endpoint_id, tenant_id, body)
       ON CONFLICT (endpoint_id, event_id) DO NOTHING
       RETURNING id, endpoint_id`,
      [rows.map((r) => r.id), rows.map((r) => r.endpointId), rows.map((r) => r.tenantId), envelope.tenantId, envelope.eventId, envelope.name, status, error, rows.map((r) => r.body)],
    );
  }

  /** Adds attempt jobs (duplicates of a live job id are ignored by Bull). */
  async enqueue(jobs: { messageId: string; eventId: string; endpointId: string; attempt: number; delayMs: number }[]): Promise<void> {
    if (!jobs.length) return;
    await this.queue.addBulk(
      jobs.map((j) => ({
        name: 'deliver',
        data: { messageId: j.messageId } satisfies DeliveryJob,
        opts: { jobId: deliveryJobId(j.eventId, j.endpointId, j.attempt), delay: Math.max(0, Math.round(j.delayMs)), attempts: 1, removeOnComplete: true, removeOnFail: 1000 },
      })),
    );
  }

  /**
   * One attempt of one message (the Bull job). Claims it, sends it outside any transaction, then
   * records the outcome. A message that is not due, already delivered or held by a live lease is
   * left alone.
   */
  async attempt(messageId: string): Promise<'sent' | 'skipped' | 'postponed'> {
    const now = this.clock.now();
    const claimed = await this.claim(messageId, now);
    if (claimed === 'skipped' || claimed === 'postponed') return claimed;
    const m = claimed;
    const secrets = [this.secrets.open(m.secret)];
    if (m.previous_secret && m.previous_secret_expires_at && m.previous_secret_expires_at > now) secrets.push(this.secrets.open(m.previous_secret));
    const headers = m.headers.map((h) => ({ name: h.name, secret: h.secret, value: h.secret ? this.secrets.open(h.value) : h.value }));
    const response = await this.sender.send({ url: m.url, messageId: m.id, body: m.body, secrets, headers, at: now });
    await this.record(m, response);
    return 'sent';
  }

  /** How long a claimed attempt may run before its message counts as abandoned, ms. */
  private leaseMs(): number {
    return this.config.webhooks.timeoutMs + Math.min(LEASE_MARGIN_MS, this.config.webhooks.timeoutMs);
  }

  /**
   * The common case in one statement: a due message of an enabled endpoint with a closed breaker,
   * no rate limit, no earlier message waiting (per_tenant) and room in flight is claimed and
   * returned with its endpoint. Anything else (null) goes through {@link claim}'s full path, which
   * says why and postpones when it must.
   */
  private async fastClaim(messageId: string, now: Date): Promise<ClaimedMessage | null> {
    const lease = new Date(now.getTime() + this.leaseMs());
    // A top-level UPDATE answers [rows, count] through TypeORM's query().
    const [rows]: [ClaimedMessage[], number] = await this.txHost.tx.query(
      `WITH due AS (
         SELECT m.id FROM webhook_messages m JOIN webhook_endpoints e ON e.id = m.endpoint_id
          WHERE m.id = $1 AND e.enabled AND e.rate_limit_per_second IS NULL
            AND ((m.status IN ('pending', 'retrying') AND m.next_attempt_at <= $2) OR (m.status = 'delivering' AND m.locked_until <= $2))
            AND (e.breaker_open_until IS NULL OR e.breaker_open_until <= $2)
            AND (e.ordering <> 'per_tenant' OR NOT EXISTS (
                  SELECT 1 FROM webhook_messages p WHERE p.endpoint_id = m.endpoint_id AND p.seq < m.seq AND p.status IN ('pending', 'delivering', 'retrying')))
            AND (SELECT count(*) FROM webhook_messages f WHERE f.endpoint_id = m.endpoint_id AND f.status = 'delivering' AND f.locked_until > $2)
                < CASE WHEN e.consecutive_failures > 0 THEN 1 ELSE $4::int END
          FOR UPDATE OF m SKIP LOCKED)
       UPDATE webhook_messages m SET status = 'delivering', attempts = m.attempts + 1, locked_until = $3, updated_at = now()
         FROM due, webhook_endpoints e
        WHERE m.id = due.id AND e.id = m.endpoint_id
       RETURNING m.id, m.endpoint_id, m.tenant_id, m.event_id, m.event_type, m.body, m.attempts, e.url, e.secret, e.previous_secret,
                 e.previous_secret_expires_at, e.headers, e.ordering, e.consecutive_failures, e.failing_since, e.rate_limit_per_second`,
      [messageId, now, lease, MAX_IN_FLIGHT],
    );
    return rows[0] ?? null;
  }

  /** Claims a due message for one attempt, or says why not. */
  private async claim(messageId: string, now: Date): Promise<ClaimedMessage | 'skipped' | 'postponed'> {
    const fast = await this.fastClaim(messageId, now);
    if (fast) return fast;
    return this.uow.run(async () => {
      const [row]: (ClaimedMessage & { status: string; locked_until: Date | null; enabled: boolean; breaker_open_until: Date | null; seq: string; next_attempt_at: Date })[] = await this.txHost.tx.query(
        `SELECT m.id, m.endpoint_id, m.tenant_id, m.event_id, m.event_type, m.body, m.attempts, m.status, m.locked_until, m.seq, m.next_attempt_at,
                e.url, e.secret, e.previous_secret, e.previous_secret_expires_at, e.headers, e.ordering, e.enabled, e.breaker_open_until,
                e.consecutive_failures, e.failing_since, e.rate_limit_per_second
           FROM webhook_messages m JOIN webhook_endpoints e ON e.id = m.endpoint_id
          WHERE m.id = $1
          FOR UPDATE OF m`,
        [messageId],
      );
      if (!row) return 'skipped';
      const stale = row.status === 'delivering' && (!row.locked_until || row.locked_until <= now);
      if (!(row.status === 'pending' || row.status === 'retrying' || stale)) return 'skipped';
      if (row.next_attempt_at > now && !stale) return 'skipped';
      if (!row.enabled) {
        await this.txHost.tx.query(`UPDATE webhook_messages SET status = 'failed', last_error = 'endpoint disabled', locked_until = NULL, updated_at = now() WHERE id = $1`, [row.id]);
        return 'skipped';
      }
      if (row.ordering === 'per_tenant') {
        const [earlier]: unknown[] = await this.txHost.tx.query(
          `SELECT 1 FROM webhook_messages WHERE endpoint_id = $1 AND seq < $2 AND status IN ('pending', 'delivering', 'retrying') LIMIT 1`,
          [row.endpoint_id, row.seq],
        );
        // Its turn comes when the earlier messages finish (the one finishing enqueues the next).
        if (earlier) return 'postponed';
      }
      let waitMs = 0;
      const [flight]: { n: number; first_free: Date | null }[] = await this.txHost.tx.query(
        `SELECT count(*)::int AS n, min(locked_until) AS first_free FROM webhook_messages WHERE endpoint_id = $1 AND status = 'delivering' AND locked_until > $2`,
        [row.endpoint_id, now],
      );
      const cap = row.consecutive_failures > 0 ? 1 : MAX_IN_FLIGHT;
      if (row.breaker_open_until && row.breaker_open_until > now) waitMs = row.breaker_open_until.getTime() - now.getTime();
      // A failing endpoint's probe ends by its lease at the latest; a busy healthy one frees up in moments.
      else if (flight.n >= cap) waitMs = (cap === 1 ? Math.max(200, (flight.first_free?.getTime() ?? now.getTime()) - now.getTime()) : 100) + Math.random() * 200;
      else if (row.rate_limit_per_second !== null && !(await this.withinRateLimit(row.endpoint_id, row.rate_limit_per_second, now))) waitMs = 1000 - (now.getTime() % 1000) + Math.random() * 200;
      if (waitMs > 0) {
        const nextAt = new Date(now.getTime() + waitMs);
        await this.txHost.tx.query(`UPDATE webhook_messages SET next_attempt_at = $2, status = CASE WHEN status = 'delivering' THEN 'retrying' ELSE status END, locked_until = NULL, updated_at = now() WHERE id = $1`, [row.id, nextAt]);
        await this.uow.afterCommit(() => this.enqueue([{ messageId: row.id, eventId: row.event_id, endpointId: row.endpoint_id, attempt: row.attempts + 1, delayMs: waitMs }]).then(() => undefined));
        return 'postponed';
      }
      const lease = new Date(now.getTime() + this.leaseMs());
      await this.txHost.tx.query(`UPDATE webhook_messages SET status = 'delivering', attempts = attempts + 1, locked_until = $2, updated_at = now() WHERE id = $1`, [row.id, lease]);
      return { ...row, attempts: row.attempts + 1 };
    });
  }

  /** Counts this attempt against the endpoint's per-second limit (Redis, all instances). */
  private async withinRateLimit(endpointId: string, limit: number, now: Date): Promise<boolean> {
    const key = `webhooks:rate:${endpointId}:${Math.floor(now.getTime() / 1000)}`;
    const [[, count]] = (await this.redis.multi().incr(key).expire(key, 2).exec()) as [[Error | null, number], unknown];
    return count <= limit;
  }

  /** The retry delay after attempt `attempts` failed, ms (schedule with ±10 % jitter, or Retry-After); null: no retry left. */
  retryDelayMs(attempts: number, retryAfterSeconds: number | null): number | null {
    const schedule = this.config.webhooks.retryScheduleSeconds;
    if (attempts > schedule.length) return null;
    if (retryAfterSeconds !== null) return retryAfterSeconds * 1000;
    const base = schedule[attempts - 1] * 1000;
    return base * (0.9 + Math.random() * 0.2);
  }

  /** Writes the attempt, the message's new state and the endpoint's health in one transaction; then schedules what comes next. */
  private async record(m: ClaimedMessage, r: WebhookResponse): Promise<void> {
    if (r.success && m.ordering !== 'per_tenant') return this.recordSuccess(m, r);
    const now = this.clock.now();
    const next: { messageId: string; eventId: string; endpointId: string; attempt: number; delayMs: number }[] = [];
    await this.uow.run(async () => {
      const tx = this.txHost.tx;
      await tx.query(
        `INSERT INTO webhook_attempts (message_id, endpoint_id, tenant_id, attempt_number, url, request_headers, request_body, response_status, response_headers, response_body, duration_ms, error, success)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        [m.id, m.endpoint_id, m.tenant_id, m.attempts, m.url, r.requestHeaders, m.body, r.status, r.headers, r.body, r.durationMs, r.error, r.success],
      );
      let finished = false;
      if (r.success) {
        await tx.query(`UPDATE webhook_messages SET status = 'succeeded', succeeded_at = now(), locked_until = NULL, last_status_code = $2, last_error = NULL, updated_at = now() WHERE id = $1`, [m.id, r.status]);
        await tx.query(
          `UPDATE webhook_endpoints SET consecutive_failures = 0, failing_since = NULL, breaker_open_until = NULL, last_success_at = now(), updated_at = now() WHERE id = $1`,
          [m.endpoint_id],
        );
        finished = true;
      } else {
        const gone = r.status === 410;
        const failures = m.consecutive_failures + 1;
        const failingSince = m.failing_since ?? now;
        const failingTooLong = now.getTime() - failingSince.getTime() >= this.config.webhooks.disableAfterFailingDays * 86_400_000;
        const breakerSeconds = failures >= BREAKER_THRESHOLD ? Math.min(BREAKER_MAX_SECONDS, BREAKER_BASE_SECONDS * 2 ** (failures - BREAKER_THRESHOLD)) : 0;
        const disable = gone ? 'gone' : failingTooLong ? 'failing' : null;
        const [[endpoint]]: [{ url: string }[], number] = await tx.query(
          `UPDATE webhook_endpoints SET consecutive_failures = consecutive_failures + 1, failing_since = coalesce(failing_since, $2),
                  breaker_open_until = CASE WHEN $3::int > 0 THEN $2::timestamptz + make_interval(secs => $3::int) ELSE breaker_open_until END,
                  last_failure_at = $2, last_error = $4, updated_at = now(),
                  enabled = CASE WHEN $5::text IS NULL THEN enabled ELSE false END,
                  disabled_reason = CASE WHEN $5::text IS NULL OR NOT enabled THEN disabled_reason ELSE $5 END,
                  disabled_at = CASE WHEN $5::text IS NULL OR NOT enabled THEN disabled_at ELSE $2 END
            WHERE id = $1 RETURNING url`,
          [m.endpoint_id, now, breakerSeconds, r.error, disable],
        );
        if (disable && endpoint) {
          await this.events.publish(new WebhookEndpointDisabledEvent(m.tenant_id, { endpointId: m.endpoint_id, url: endpoint.url, reason: disable, disabledAt: now.toISOString() }));
        }
        const delay = disable ? null : this.retryDelayMs(m.attempts, r.retryAfterSeconds);
        if (delay === null) {
          await tx.query(`UPDATE webhook_messages SET status = 'failed', locked_until = NULL, last_status_code = $2, last_error = $3, updated_at = now() WHERE id = $1`, [m.id, r.status, r.error]);
          await this.events.publish(new WebhookDeliveryExhaustedEvent(m.tenant_id, { endpointId: m.endpoint_id, messageId: m.id, eventId: m.event_id, eventType: m.event_type, attempts: m.attempts, lastError: r.error }));
          finished = true;
        } else {
          const at = new Date(now.getTime() + delay);
          await tx.query(`UPDATE webhook_messages SET status = 'retrying', next_attempt_at = $2, locked_until = NULL, last_status_code = $3, last_error = $4, updated_at = now() WHERE id = $1`, [m.id, at, r.status, r.error]);
          next.push({ messageId: m.id, eventId: m.event_id, endpointId: m.endpoint_id, attempt: m.attempts + 1, delayMs: delay });
        }
      }
      if (finished && m.ordering === 'per_tenant') {
        const [successor]: { id: string; event_id: string; attempts: number }[] = await tx.query(
          `SELECT id, event_id, attempts FROM webhook_messages WHERE endpoint_id = $1 AND status IN ('pending', 'retrying') ORDER BY seq LIMIT 1`,
          [m.endpoint_id],
        );
        if (successor) next.push({ messageId: successor.id, eventId: successor.event_id, endpointId: m.endpoint_id, attempt: successor.attempts + 1, delayMs: 0 });
      }
    });
    await this.enqueue(next).catch((err: Error) => this.logger.warn(`enqueue after attempt of ${m.id} failed (the sweep retries): ${err.message}`));
  }

  /**
   * A success in one statement (atomic on its own): the attempt, the message `succeeded`, and the
   * endpoint's health reset — its row written only when something changes (a failure streak
   * ends) or at most once a second for `lastSuccessAt`, so a busy endpoint's row is not a hot spot.
   */
  private async recordSuccess(m: ClaimedMessage, r: WebhookResponse): Promise<void> {
    await this.txHost.tx.query(
      `WITH attempt AS (
         INSERT INTO webhook_attempts (message_id, endpoint_id, tenant_id, attempt_number, url, request_headers, request_body, response_status, response_headers, response_body, duration_ms, error, success)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULL, true)),
       message AS (
         UPDATE webhook_messages SET status = 'succeeded', succeeded_at = now(), locked_until = NULL, last_status_code = $8, last_error = NULL, updated_at = now() WHERE id = $1)
       UPDATE webhook_endpoints SET consecutive_failures = 0, failing_since = NULL, breaker_open_until = NULL, last_success_at = now(), updated_at = now()
        WHERE id = $2 AND (consecutive_failures <> 0 OR failing_since IS NOT NULL OR breaker_open_until IS NOT NULL OR last_success_at IS NULL OR last_success_at < now() - interval '1 second')`,
      [m.id, m.endpoint_id, m.tenant_id, m.attempts, m.url, r.requestHeaders, m.body, r.status, r.headers, r.body, r.durationMs],
    );
  }

  /**
   * Heals what a crash can leave behind: messages whose lease went stale (`delivering` past its
   * lease) and due messages with no live job (their enqueue was lost). Runs every 30 s, once per
   * cluster. Returns how many were enqueued again.
   */
  async sweep(limit = 500): Promise<number> {
    const rows: { id: string; event_id: string; endpoint_id: string; attempts: number }[] = await this.uow.run(() =>
      this.txHost.tx.query(
        `SELECT id, event_id, endpoint_id, attempts FROM webhook_messages
          WHERE (status = 'delivering' AND locked_until < now())
             OR (status IN ('pending', 'retrying') AND next_attempt_at < now() - interval '30 seconds')
          ORDER BY next_attempt_at LIMIT $1`,
        [limit],
      ),
    );
    // A stale lease's attempt was spent (the request may have reached the receiver): the next one
    // gets a new job id; a lost enqueue reuses the id of the attempt that never ran.
    await this.enqueue(rows.map((r) => ({ messageId: r.id, eventId: r.event_id, endpointId: r.endpoint_id, attempt: r.attempts + 1, delayMs: 0 })));
    return rows.length;
  }

  /** Deletes finished messages (and their attempts) older than `days` (30: the delivery log's retention). */
  async prune(days = 30): Promise<number> {
    return this.uow.run(async () => {
      const [, count]: [unknown, number] = await this.txHost.tx.query(
        `DELETE FROM webhook_messages WHERE created_at < now() - make_interval(days => $1) AND status IN ('succeeded', 'failed')`,
        [days],
      );
      return count;
    });
  }
}
