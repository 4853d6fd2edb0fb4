import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { randomUUID } from 'node:crypto';
import { RequestContext } from '../../../common/context/request-context';
import { ConflictError, NotFoundError } from '../../../common/errors';
import { UnitOfWork } from '../../../common/events';
import { Page, toPage } from '../../../common/http';
import { Clock } from '../../../common/time';
import { WebhookDelivery } from './webhook-delivery.service';
import { WebhookEndpointsService, WebhookScope } from './webhook-endpoints.service';
import { WebhookAttempt, WebhookMessage } from './webhook-message.entity';
import {
  IntegrationsHealthDto,
  WebhookAttemptDto,
  WebhookEndpointHealthDto,
  WebhookMessageDto,
  WebhookMessageListQueryDto,
  WebhookReplayResultDto,
  WebhookTestResultDto,
} from './webhooks.dto';

/** Most messages one replay queues. */
export const MAX_REPLAY_MESSAGES = 10_000;

/**
 * The delivery log of an endpoint (messages and their attempts, 30 days), manual retries,
 * replays, test sends and health. Scoped like the endpoints: another scope's message is a 404.
 */
@Injectable()
export class WebhookMessagesService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly uow: UnitOfWork,
    private readonly endpoints: WebhookEndpointsService,
    private readonly delivery: WebhookDelivery,
    private readonly context: RequestContext,
    private readonly clock: Clock,
  ) {}

  /** Messages of an endpoint, newest first. @throws NotFoundError */
  async list(scope: WebhookScope, endpointId: string, query: WebhookMessageListQueryDto): Promise<Page<WebhookMessageDto>> {
    await this.endpoints.find(scope, endpointId);
    const where = { endpointId, ...(query.status ? { status: query.status } : {}), ...(query.eventType ? { eventType: query.eventType } : {}) };
    const [rows, total] = await this.txHost.tx.getRepository(WebhookMessage).findAndCount({ where, order: { seq: 'DESC' }, take: query.limit, skip: query.offset });
    return toPage(rows.map(toMessageDto), total, query);
  }

  /** One message. @throws NotFoundError `webhook_endpoint_not_found` | `webhook_message_not_found` */
  async get(scope: WebhookScope, endpointId: string, messageId: string): Promise<WebhookMessageDto> {
    return toMessageDto(await this.find(scope, endpointId, messageId));
  }

  /** Attempts of a message, oldest first. @throws NotFoundError */
  async attempts(scope: WebhookScope, endpointId: string, messageId: string): Promise<WebhookAttemptDto[]> {
    await this.find(scope, endpointId, messageId);
    const rows = await this.txHost.tx.getRepository(WebhookAttempt).find({ where: { messageId }, order: { attemptNumber: 'ASC', createdAt: 'ASC' } });
    return rows.map(toAttemptDto);
  }

  /** Queues one more attempt of a finished or waiting message now. @throws NotFoundError, ConflictError `webhook_message_in_flight` | `webhook_endpoint_disabled` */
  async retry(scope: WebhookScope, endpointId: string, messageId: string): Promise<WebhookMessageDto> {
    const endpoint = await this.endpoints.find(scope, endpointId);
    WebhookEndpointsService.assertEnabled(endpoint);
    const m = await this.find(scope, endpointId, messageId, true);
    if (m.status === 'delivering') throw new ConflictError('webhook_message_in_flight', `Webhook message ${m.id} is being delivered.`);
    await this.requeue([m]);
    this.context.noteAudit({ tenantId: scope ?? undefined, resourceId: m.id, before: { status: m.status }, metadata: { endpointId } });
    return toMessageDto(await this.find(scope, endpointId, messageId));
  }

  /** Delivers again every failed message created since `since` (recovery after an outage). @throws NotFoundError, ConflictError `webhook_endpoint_disabled` */
  async replay(scope: WebhookScope, endpointId: string, since: Date): Promise<WebhookReplayResultDto> {
    const endpoint = await this.endpoints.find(scope, endpointId);
    WebhookEndpointsService.assertEnabled(endpoint);
    const rows: WebhookMessage[] = await this.txHost.tx
      .getRepository(WebhookMessage)
      .createQueryBuilder('m')
      .where('m.endpoint_id = :endpointId AND m.status = :status AND m.created_at >= :since', { endpointId, status: 'failed', since })
      .orderBy('m.seq', 'ASC')
      .limit(MAX_REPLAY_MESSAGES)
      .setLock('pessimistic_write')
      .getMany();
    await this.requeue(rows);
    this.context.noteAudit({ tenantId: scope ?? undefined, resourceId: endpointId, metadata: { since: since.toISOString(), queued: rows.length } });
    return { queued: rows.length };
  }

  /**
   * Sends a sample event of `eventType`, rendered by the endpoint's payload definition, and
   * returns the message with its first attempt. The message commits with the request; the attempt
   * runs right after the commit (never inside a transaction) and before the answer is sent. Later
   * attempts follow the normal retry schedule. @throws NotFoundError, ValidationError (type),
   * ConflictError `webhook_endpoint_disabled`
   */
  async test(scope: WebhookScope, endpointId: string, eventType: string): Promise<WebhookTestResultDto> {
    const endpoint = await this.endpoints.find(scope, endpointId);
    WebhookEndpointsService.assertEnabled(endpoint);
    const preview = await this.endpoints.render(scope, endpoint.payloadTemplate, eventType);
    const messageId = randomUUID();
    const message = this.txHost.tx.getRepository(WebhookMessage).create({
      id: messageId,
      endpointId,
      tenantId: scope,
      eventTenantId: scope,
      eventId: String(preview.event.eventId),
      eventType,
      test: true,
      body: JSON.stringify(preview.body),
      status: 'pending',
      nextAttemptAt: this.clock.now(),
    });
    const saved = await this.txHost.tx.getRepository(WebhookMessage).save(message);
    this.context.noteAudit({ tenantId: scope ?? undefined, resourceId: endpointId, metadata: { messageId, eventType } });
    // The answer object is completed after commit, before the interceptor hands it to the client.
    const result: WebhookTestResultDto = { message: toMessageDto(saved), attempt: null };
    await this.uow.afterCommit(async () => {
      await this.delivery.attempt(messageId);
      await this.uow.run(async () => {
        const after = await this.txHost.tx.getRepository(WebhookMessage).findOneByOrFail({ id: messageId });
        const [attempt] = await this.txHost.tx.getRepository(WebhookAttempt).find({ where: { messageId }, order: { attemptNumber: 'DESC' }, take: 1 });
        result.message = toMessageDto(after);
        result.attempt = attempt ? toAttemptDto(attempt) : null;
      });
    });
    return result;
  }

  /** Health of one endpoint (attempts of the last 24 h and 7 days). @throws NotFoundError */
  async health(scope: WebhookScope, endpointId: string): Promise<WebhookEndpointHealthDto> {
    await this.endpoints.find(scope, endpointId);
    const [h] = await this.healthOf([endpointId]);
    return h;
  }

  /** The tenant's integrations at a glance: endpoints, partners, success rate, backlog, each endpoint's health. */
  async integrationsHealth(tenantId: string): Promise<IntegrationsHealthDto> {
    const endpoints: { id: string; enabled: boolean }[] = await this.txHost.tx.query(`SELECT id, enabled FROM webhook_endpoints WHERE tenant_id = $1 ORDER BY created_at`, [tenantId]);
    const [partners]: { n: number }[] = await this.txHost.tx.query(`SELECT count(*)::int AS n FROM partners WHERE tenant_id = $1 AND status = 'active'`, [tenantId]);
    const health = await this.healthOf(endpoints.map((e) => e.id));
    const attempts = health.reduce((n, h) => n + h.attempts24h, 0);
    const successes = health.reduce((n, h) => n + Math.round((h.successRate24h ?? 0) * h.attempts24h), 0);
    const failing = health.some((h) => (h.isActive && h.breaker !== 'closed') || h.disabledReason === 'failing' || h.disabledReason === 'gone');
    const degraded = attempts > successes;
    return {
      status: !endpoints.length ? 'none' : failing ? 'failing' : degraded ? 'degraded' : 'healthy',
      endpoints: endpoints.length,
      activeEndpoints: endpoints.filter((e) => e.enabled).length,
      disabledEndpoints: endpoints.filter((e) => !e.enabled).length,
      activePartners: partners.n,
      successRate24h: attempts ? successes / attempts : null,
      backlog: health.reduce((n, h) => n + h.backlog, 0),
      endpointHealth: health,
    };
  }

  private async healthOf(endpointIds: string[]): Promise<WebhookEndpointHealthDto[]> {
    if (!endpointIds.length) return [];
    const rows: {
      id: string; url: string; enabled: boolean; disabled_reason: string | null; last_success_at: Date | null; last_failure_at: Date | null; last_error: string | null;
      consecutive_failures: number; breaker_open_until: Date | null; attempts_24h: number; ok_24h: number; attempts_7d: number; ok_7d: number; p95: number | null; backlog: number; failed_7d: number;
    }[] = await this.txHost.tx.query(
      `SELECT e.id, e.url, e.enabled, e.disabled_reason, e.last_success_at, e.last_failure_at, e.last_error, e.consecutive_failures, e.breaker_open_until,
              coalesce(a.attempts_24h, 0)::int AS attempts_24h, coalesce(a.ok_24h, 0)::int AS ok_24h, coalesce(a.attempts_7d, 0)::int AS attempts_7d,
              coalesce(a.ok_7d, 0)::int AS ok_7d, a.p95,
              (SELECT count(*)::int FROM webhook_messages m WHERE m.endpoint_id = e.id AND m.status IN ('pending', 'delivering', 'retrying')) AS backlog,
              (SELECT count(*)::int FROM webhook_messages m WHERE m.endpoint_id = e.id AND m.status = 'failed' AND m.updated_at > now() - interval '7 days') AS failed_7d
         FROM webhook_endpoints e
         LEFT JOIN LATERAL (
           SELECT count(*) FILTER (WHERE t.created_at > now() - interval '24 hours') AS attempts_24h,
                  count(*) FILTER (WHERE t.created_at > now() - interval '24 hours' AND t.success) AS ok_24h,
                  count(*) AS attempts_7d, count(*) FILTER (WHERE t.success) AS ok_7d,
                  percentile_cont(0.95) WITHIN GROUP (ORDER BY t.duration_ms) FILTER (WHERE t.created_at > now() - interval '24 hours') AS p95
             FROM webhook_attempts t WHERE t.endpoint_id = e.id AND t.created_at > now() - interval '7 days') a ON true
        WHERE e.id = ANY($1::uuid[])
        ORDER BY e.created_at`,
      [endpointIds],
    );
    const now = this.clock.now();
    return rows.map((r) => ({
      endpointId: r.id,
      url: r.url,
      isActive: r.enabled,
      disabledReason: r.disabled_reason,
      successRate24h: r.attempts_24h ? r.ok_24h / r.attempts_24h : null,
      successRate7d: r.attempts_7d ? r.ok_7d / r.attempts_7d : null,
      attempts24h: r.attempts_24h,
      p95LatencyMs24h: r.p95 === null ? null : Math.round(Number(r.p95)),
      lastSuccessAt: r.last_success_at?.toISOString() ?? null,
      lastFailureAt: r.last_failure_at?.toISOString() ?? null,
      lastError: r.last_error,
      consecutiveFailures: r.consecutive_failures,
      breaker: !r.breaker_open_until ? 'closed' : r.breaker_open_until > now ? 'open' : 'half_open',
      backlog: r.backlog,
      failed7d: r.failed_7d,
    }));
  }

  /** Sets messages due now and queues their next attempts after commit. */
  private async requeue(messages: WebhookMessage[]): Promise<void> {
    if (!messages.length) return;
    await this.txHost.tx.query(`UPDATE webhook_messages SET status = 'pending', next_attempt_at = now(), locked_until = NULL, updated_at = now() WHERE id = ANY($1::uuid[])`, [messages.map((m) => m.id)]);
    await this.uow.afterCommit(() => this.delivery.enqueue(messages.map((m) => ({ messageId: m.id, eventId: m.eventId, endpointId: m.endpointId, attempt: m.attempts + 1, delayMs: 0 }))));
  }

  private async find(scope: WebhookScope, endpointId: string, messageId: string, lock = false): Promise<WebhookMessage> {
    await this.endpoints.find(scope, endpointId);
    const m = await this.txHost.tx.getRepository(WebhookMessage).findOne({ where: { id: messageId, endpointId }, lock: lock ? { mode: 'pessimistic_write' } : undefined });
    if (!m) throw new NotFoundError('Webhook message', messageId);
    return m;
  }
}

function parseBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/** The API shape of a message. */
export function toMessageDto(m: WebhookMessage): WebhookMessageDto {
  return {
    id: m.id,
    endpointId: m.endpointId,
    eventId: m.eventId,
    eventType: m.eventType,
    eventTenantId: m.eventTenantId,
    test: m.test,
    status: m.status,
    attempts: m.attempts,
    nextAttemptAt: m.status === 'pending' || m.status === 'retrying' ? m.nextAttemptAt.toISOString() : null,
    lastStatusCode: m.lastStatusCode,
    lastError: m.lastError,
    succeededAt: m.succeededAt?.toISOString() ?? null,
    body: parseBody(m.body),
    createdAt: m.createdAt.toISOString(),
  };
}

/** The API shape of an attempt. */
export function toAttemptDto(a: WebhookAttempt): WebhookAttemptDto {
  return {
    id: a.id,
    messageId: a.messageId,
    attemptNumber: a.attemptNumber,
    url: a.url,
    requestHeaders: a.requestHeaders,
    requestBody: a.requestBody,
    responseStatus: a.responseStatus,
    responseHeaders: a.responseHeaders,
    responseBody: a.responseBody,
    durationMs: a.durationMs,
    error: a.error,
    success: a.success,
    createdAt: a.createdAt.toISOString(),
  };
}
