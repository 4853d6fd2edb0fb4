import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import * as ipaddr from 'ipaddr.js';
import { randomUUID } from 'node:crypto';
import { IsNull } from 'typeorm';
import { RequestContext } from '../../../common/context/request-context';
import { ConflictError, NotFoundError, ValidationError } from '../../../common/errors';
import { Page, PageQueryDto, toPage } from '../../../common/http';
import { Clock } from '../../../common/time';
import { APP_CONFIG, AppConfig } from '../../../config';
import { Partner } from '../partners/partner.entity';
import { isEventTypePattern, matchesEventType } from './event-type-patterns';
import { WEBHOOK_EVENT_TYPES, WebhookAudience, webhookEventType } from './event-types';
import { PayloadTemplate } from './payload-template';
import { webhookEnvelope } from './webhook-delivery.service';
import { StoredWebhookHeader, WebhookEndpoint } from './webhook-endpoint.entity';
import { maskSecret, WebhookSecrets } from './webhook-secrets';
import {
  CreateWebhookEndpointDto,
  EventTypeDto,
  UpdateWebhookEndpointDto,
  WebhookEndpointDocsDto,
  WebhookEndpointDto,
  WebhookEndpointListQueryDto,
  WebhookEndpointWithSecretDto,
  WebhookHeaderInputDto,
  WebhookPreviewDto,
} from './webhooks.dto';

/** Whose endpoints: a tenant's (its id) or the platform's (null, super admins). */
export type WebhookScope = string | null;
/** Hours the previous signing secret keeps signing after a rotation. */
export const SECRET_OVERLAP_HOURS = 24;
/** Headers the control plane sets itself; a custom header may not replace them. */
const RESERVED_HEADERS = /^(content-type|content-length|host|user-agent|connection|transfer-encoding|webhook-.*)$/i;

/** The audience of a scope: tenant endpoints or platform webhooks. */
export const audienceOf = (scope: WebhookScope): WebhookAudience => (scope === null ? 'platform' : 'tenant');

/** The catalog as an audience sees it. */
export function eventTypesFor(audience: WebhookAudience, query: PageQueryDto): Page<EventTypeDto> {
  const all = WEBHOOK_EVENT_TYPES.filter((t) => t.audiences.includes(audience));
  return toPage(all.slice(query.offset, query.offset + query.limit).map((t) => ({ type: t.type, description: t.description, schema: t.schema, example: t.example })), all.length, query);
}


/** A sample event envelope of `type` for previews, tests and docs. */
export function sampleEvent(type: string, tenantId: string | null, at: Date): Record<string, unknown> {
  const t = webhookEventType(type)!;
  return webhookEnvelope({ eventId: randomUUID(), name: t.type, occurredAt: at.toISOString(), tenantId, actor: { type: 'system', id: null, impersonatorId: null }, payload: t.example });
}

/**
 * Outbound webhook endpoints of a tenant (its admins) and platform webhooks (super admins): the
 * same rows, the same rules, told apart by `tenantId` (null: platform). Every query filters by the
 * caller's scope, so another tenant's endpoint (or a platform webhook) is a 404.
 */
@Injectable()
export class WebhookEndpointsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly context: RequestContext,
    private readonly secrets: WebhookSecrets,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private repo() {
    return this.txHost.tx.getRepository(WebhookEndpoint);
  }

  /** Creates an enabled endpoint with a fresh signing secret (shown once). @throws ValidationError naming the field */
  async create(scope: WebhookScope, dto: CreateWebhookEndpointDto): Promise<WebhookEndpointWithSecretDto> {
    const fields = await this.validated(scope, dto);
    const signingSecret = WebhookSecrets.generate();
    const saved = await this.repo().save(
      this.repo().create({
        tenantId: scope,
        url: fields.url!,
        description: dto.description ?? null,
        partnerId: dto.partnerId ?? null,
        eventTypes: dto.eventTypes,
        enabled: dto.isActive ?? true,
        disabledReason: dto.isActive === false ? 'manual' : null,
        disabledAt: dto.isActive === false ? this.clock.now() : null,
        headers: fields.headers ?? [],
        payloadTemplate: dto.payloadTemplate?.trim() ? dto.payloadTemplate : null,
        rateLimitPerSecond: dto.rateLimitPerSecond ?? null,
        ordering: dto.ordering ?? 'none',
        secret: this.secrets.seal(signingSecret),
        createdBy: this.context.actor.id,
      }),
    );
    const out = this.toDto(saved);
    this.context.noteAudit({ tenantId: scope ?? undefined, resourceId: saved.id, after: out });
    return { ...out, signingSecret };
  }

  /** The scope's endpoints, newest first. */
  async list(scope: WebhookScope, query: WebhookEndpointListQueryDto): Promise<Page<WebhookEndpointDto>> {
    const where = { tenantId: scope ?? IsNull(), ...(query.isActive ? { enabled: query.isActive === 'true' } : {}) };
    const [rows, total] = await this.repo().findAndCount({ where, order: { createdAt: 'DESC', id: 'DESC' }, take: query.limit, skip: query.offset });
    return toPage(rows.map((r) => this.toDto(r)), total, query);
  }

  /** @throws NotFoundError `webhook_endpoint_not_found` (also another scope's endpoint) */
  async get(scope: WebhookScope, endpointId: string): Promise<WebhookEndpointDto> {
    return this.toDto(await this.find(scope, endpointId));
  }

  /** The endpoint row, optionally locked. @throws NotFoundError `webhook_endpoint_not_found` */
  async find(scope: WebhookScope, endpointId: string, lock = false): Promise<WebhookEndpoint> {
    const found = await this.repo().findOne({ where: { id: endpointId, tenantId: scope ?? IsNull() }, lock: lock ? { mode: 'pessimistic_write' } : undefined });
    if (!found) throw new NotFoundError('Webhook endpoint', endpointId);
    return found;
  }

  /** Changes the given fields; enabling clears the failure count and breaker. @throws NotFoundError, ValidationError */
  async update(scope: WebhookScope, endpointId: string, dto: UpdateWebhookEndpointDto): Promise<WebhookEndpointDto> {
    const before = await this.find(scope, endpointId, true);
    const fields = await this.validated(scope, dto);
    const now = this.clock.now();
    const change: Partial<WebhookEndpoint> = {};
    if (fields.url !== undefined) change.url = fields.url;
    if (dto.description !== undefined) change.description = dto.description;
    if (dto.partnerId !== undefined) change.partnerId = dto.partnerId;
    if (dto.eventTypes !== undefined) change.eventTypes = dto.eventTypes;
    if (fields.headers !== undefined) change.headers = fields.headers;
    if (dto.payloadTemplate !== undefined) change.payloadTemplate = dto.payloadTemplate?.trim() ? dto.payloadTemplate : null;
    if (dto.rateLimitPerSecond !== undefined) change.rateLimitPerSecond = dto.rateLimitPerSecond;
    if (dto.ordering !== undefined) change.ordering = dto.ordering;
    if (dto.isActive !== undefined && dto.isActive !== before.enabled) {
      Object.assign(
        change,
        dto.isActive
          ? { enabled: true, disabledReason: null, disabledAt: null, consecutiveFailures: 0, failingSince: null, breakerOpenUntil: null }
          : { enabled: false, disabledReason: 'manual', disabledAt: now },
      );
    }
    if (Object.keys(change).length) await this.repo().update({ id: endpointId }, change);
    const after = this.toDto(await this.find(scope, endpointId));
    this.context.noteAudit({ tenantId: scope ?? undefined, resourceId: endpointId, before: this.toDto(before), after });
    return after;
  }

  /** Deletes the endpoint with its delivery log. @throws NotFoundError */
  async remove(scope: WebhookScope, endpointId: string): Promise<void> {
    const before = await this.find(scope, endpointId, true);
    await this.repo().delete({ id: endpointId });
    this.context.noteAudit({ tenantId: scope ?? undefined, resourceId: endpointId, before: this.toDto(before) });
  }

  /** A new signing secret; the previous one keeps signing for {@link SECRET_OVERLAP_HOURS} hours (two signatures). @throws NotFoundError */
  async rotateSecret(scope: WebhookScope, endpointId: string): Promise<WebhookEndpointWithSecretDto> {
    const endpoint = await this.find(scope, endpointId, true);
    const signingSecret = WebhookSecrets.generate();
    const previousSecretExpiresAt = new Date(this.clock.now().getTime() + SECRET_OVERLAP_HOURS * 3_600_000);
    await this.repo().update({ id: endpointId }, { secret: this.secrets.seal(signingSecret), previousSecret: endpoint.secret, previousSecretExpiresAt });
    const out = this.toDto(await this.find(scope, endpointId));
    this.context.noteAudit({ tenantId: scope ?? undefined, resourceId: endpointId, metadata: { previousSecretExpiresAt: previousSecretExpiresAt.toISOString() } });
    return { ...out, signingSecret };
  }

  /** Renders the endpoint's payload definition on a sample event. @throws NotFoundError, ValidationError (unknown type, failing definition) */
  async preview(scope: WebhookScope, endpointId: string, eventType: string): Promise<WebhookPreviewDto> {
    const endpoint = await this.find(scope, endpointId);
    return this.render(scope, endpoint.payloadTemplate, eventType);
  }

  /** A sample of `eventType` rendered by `template`. @throws ValidationError naming `eventType` or `payloadTemplate` */
  async render(scope: WebhookScope, template: string | null, eventType: string): Promise<WebhookPreviewDto> {
    const type = webhookEventType(eventType);
    if (!type || !type.audiences.includes(audienceOf(scope))) throw new ValidationError([{ field: 'eventType', message: `eventType ${eventType} is not in the event catalog of ${audienceOf(scope)} webhooks` }]);
    const event = sampleEvent(type.type, scope, this.clock.now());
    try {
      return { eventType, event, body: await PayloadTemplate.compile(template).render(event) };
    } catch (err) {
      if (err instanceof ValidationError) throw err;
      throw new ValidationError([{ field: 'payloadTemplate', message: `the payload definition failed on a ${eventType} event: ${(err as Error).message}` }]);
    }
  }

  /** What the endpoint receives and how to verify it. @throws NotFoundError */
  async docs(scope: WebhookScope, endpointId: string): Promise<WebhookEndpointDocsDto> {
    const endpoint = await this.find(scope, endpointId);
    const types = WEBHOOK_EVENT_TYPES.filter((t) => t.audiences.includes(audienceOf(scope)) && matchesEventType(endpoint.eventTypes, t.type)).map((t) => t.type);
    const example = types.length ? await this.render(scope, endpoint.payloadTemplate, types[0]).catch(() => null) : null;
    return {
      endpointId,
      url: endpoint.url,
      eventTypes: types,
      headers: [
        { name: 'webhook-id', description: 'The message id: the same on every retry of one message — deduplicate on it' },
        { name: 'webhook-timestamp', description: 'Unix seconds when this attempt was signed; reject deliveries older than 5 minutes' },
        { name: 'webhook-signature', description: 'Space-separated `v1,<base64 HMAC-SHA256>` of `<webhook-id>.<webhook-timestamp>.<body>`; two during the 24 h after a secret rotation' },
        { name: 'content-type', description: 'application/json' },
        ...endpoint.headers.map((h) => ({ name: h.name, description: h.secret ? 'Custom header (secret, as configured)' : `Custom header: ${h.value}` })),
      ],
      example,
      verification: [
        `// npm install standardwebhooks — https://www.standardwebhooks.com`,
        `import { Webhook } from 'standardwebhooks';`,
        `const wh = new Webhook(process.env.WEBHOOK_SECRET); // the whsec_… secret of this endpoint`,
        `// rawBody: the request body exactly as received (a string or Buffer, not re-serialised JSON)`,
        `const event = wh.verify(rawBody, { 'webhook-id': req.headers['webhook-id'], 'webhook-timestamp': req.headers['webhook-timestamp'], 'webhook-signature': req.headers['webhook-signature'] });`,
        `// throws when the signature or the timestamp (5-minute tolerance) does not verify; answer 2xx quickly, work after.`,
      ].join('\n'),
    };
  }

  /** Validates URL, event types, partner, headers and the payload definition; seals secret headers. */
  private async validated(scope: WebhookScope, dto: UpdateWebhookEndpointDto): Promise<{ url?: string; headers?: StoredWebhookHeader[] }> {
    const out: { url?: string; headers?: StoredWebhookHeader[] } = {};
    if (dto.url !== undefined) out.url = this.validUrl(dto.url);
    if (dto.eventTypes !== undefined) this.validEventTypes(scope, dto.eventTypes);
    if (dto.payloadTemplate) PayloadTemplate.compile(dto.payloadTemplate);
    if (dto.partnerId) {
      if (scope === null) throw new ValidationError([{ field: 'partnerId', message: 'partnerId is for tenant endpoints; a platform webhook has no partner' }]);
      const partner = await this.txHost.tx.getRepository(Partner).findOne({ where: { id: dto.partnerId, tenantId: scope } });
      if (!partner) throw new ValidationError([{ field: 'partnerId', message: `partnerId ${dto.partnerId} is not a partner of this tenant` }]);
    }
    if (dto.headers !== undefined) out.headers = this.sealedHeaders(dto.headers);
    return out;
  }

  private validUrl(raw: string): string {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new ValidationError([{ field: 'url', message: 'url must be an absolute http(s) URL' }]);
    }
    const fail = (message: string) => new ValidationError([{ field: 'url', message }]);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw fail('url must use https (or http outside production)');
    if (this.config.webhooks.requireHttps && url.protocol !== 'https:') throw fail('url must use https');
    if (url.username || url.password) throw fail('url must not carry credentials; send them in a secret header');
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const allowed = this.config.webhooks.allowedPrivateTargets;
    if (host === 'localhost' || host.endsWith('.localhost')) {
      if (!allowed.includes('127.0.0.1') && !allowed.includes('::1')) throw fail('url must not point at this machine (localhost)');
    } else if (ipaddr.isValid(host)) {
      const address = ipaddr.process(host);
      if (address.range() !== 'unicast' && !allowed.includes(address.toString())) throw fail(`url must not point at a ${address.range()} address`);
    }
    return url.toString();
  }

  private validEventTypes(scope: WebhookScope, patterns: string[]): void {
    const audience = audienceOf(scope);
    const available = WEBHOOK_EVENT_TYPES.filter((t) => t.audiences.includes(audience)).map((t) => t.type);
    patterns.forEach((p, i) => {
      const field = `eventTypes[${i}]`;
      if (!isEventTypePattern(p)) throw new ValidationError([{ field, message: `${field} must be a catalog event type, a family wildcard like user.* or *` }]);
      if (!available.some((t) => matchesEventType([p], t))) throw new ValidationError([{ field, message: `${field} ${p} matches no event type ${audience} webhooks can receive (see GET …/event-types)` }]);
    });
  }

  private sealedHeaders(headers: WebhookHeaderInputDto[]): StoredWebhookHeader[] {
    const seen = new Set<string>();
    return headers.map((h, i) => {
      const lower = h.name.toLowerCase();
      if (RESERVED_HEADERS.test(lower)) throw new ValidationError([{ field: `headers[${i}].name`, message: `headers[${i}].name ${h.name} is set by the control plane itself` }]);
      if (seen.has(lower)) throw new ValidationError([{ field: `headers[${i}].name`, message: `headers[${i}].name ${h.name} is given twice` }]);
      seen.add(lower);
      const secret = h.secret ?? true;
      return { name: h.name, secret, value: secret ? this.secrets.seal(h.value) : h.value };
    });
  }

  /** The API shape (secret headers masked). */
  toDto(e: WebhookEndpoint): WebhookEndpointDto {
    return {
      id: e.id,
      tenantId: e.tenantId,
      url: e.url,
      description: e.description,
      partnerId: e.partnerId,
      eventTypes: e.eventTypes,
      isActive: e.enabled,
      disabledReason: e.disabledReason,
      disabledAt: e.disabledAt?.toISOString() ?? null,
      headers: e.headers.map((h) => ({ name: h.name, secret: h.secret, value: h.secret ? maskSecret(this.secrets.open(h.value)) : h.value })),
      payloadTemplate: e.payloadTemplate,
      rateLimitPerSecond: e.rateLimitPerSecond,
      ordering: e.ordering,
      previousSecretExpiresAt: e.previousSecretExpiresAt && e.previousSecretExpiresAt > this.clock.now() ? e.previousSecretExpiresAt.toISOString() : null,
      createdAt: e.createdAt.toISOString(),
      updatedAt: e.updatedAt.toISOString(),
    };
  }

  /** A test send on a disabled endpoint is refused. @throws ConflictError `webhook_endpoint_disabled` */
  static assertEnabled(e: WebhookEndpoint): void {
    if (!e.enabled) throw new ConflictError('webhook_endpoint_disabled', `Webhook endpoint ${e.id} is disabled (${e.disabledReason ?? 'manual'}); enable it first.`);
  }
}
