import '../errors';
import { applyDecorators, Body, Controller, Delete, Get, HttpCode, Injectable, Param, Patch, Post, Put, Query, Type } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { DenyDuringImpersonation, ImpersonationPolicy, PartnerAccess, PlatformAuth, RequiresModule, TenantAuth } from '../../../common/auth';
import { RequestContext } from '../../../common/context/request-context';
import { ApiOp, Audited, AuditResource, PageOf, PageQueryDto, UuidPipe } from '../../../common/http';
import { WebhookEndpointsService, WebhookScope, eventTypesFor } from './webhook-endpoints.service';
import { WebhookMessagesService } from './webhook-messages.service';
import {
  CreateWebhookEndpointDto,
  EventTypeDto,
  IntegrationsHealthDto,
  UpdateWebhookEndpointDto,
  WebhookAttemptDto,
  WebhookEndpointDocsDto,
  WebhookEndpointDto,
  WebhookEndpointHealthDto,
  WebhookEndpointListQueryDto,
  WebhookEndpointWithSecretDto,
  WebhookEventTypeDto,
  WebhookMessageDto,
  WebhookMessageListQueryDto,
  WebhookPreviewDto,
  WebhookReplayDto,
  WebhookReplayResultDto,
  WebhookTestResultDto,
} from './webhooks.dto';

const ENDPOINT_ERRORS = ['validation_failed', 'webhook_endpoint_not_found'] as const;
const MESSAGE_ERRORS = ['validation_failed', 'webhook_endpoint_not_found', 'webhook_message_not_found'] as const;

/** What differs between the tenant's endpoints and the platform's webhooks. */
interface WebhookRoutesOptions {
  /** operationId prefix (`tenantWebhookEndpoints`, `adminWebhooks`). */
  ops: string;
  /** Route parameter naming the endpoint. */
  param: 'endpointId' | 'webhookId';
  /** What one is called in summaries. */
  noun: string;
  /** Audit action prefix (`webhookEndpoint`, `platformWebhook`): actions are unique per route. */
  audit: string;
  /** Tenant routes declare their impersonation policy; staff routes carry none. */
  tenant: boolean;
}

/**
 * The routes of one kind of webhook endpoint — the same delivery engine, log, retry, replay, test
 * and health for a tenant's outbound endpoints and the super admins' platform webhooks. The
 * subclass supplies the scope (the caller's tenant, or null for the platform) and the auth.
 */
function webhookRoutes(o: WebhookRoutesOptions) {
  const id = `:${o.param}`;
  const mutation = (action: string) => Audited(`${o.audit}.${action}`);
  const impersonation = (policy: 'allowed' | 'denied') => (o.tenant ? ImpersonationPolicy(policy) : applyDecorators());
  /** Tenant routes are open to partner keys with `webhooks:write` too. */
  const partners = () => (o.tenant ? PartnerAccess('webhooks:write') : applyDecorators());
  @Injectable()
  abstract class WebhookRoutes {
    constructor(
      readonly endpoints: WebhookEndpointsService,
      readonly messages: WebhookMessagesService,
    ) {}

    /** The caller's scope: its tenant, or null for platform webhooks. */
    abstract scope(): WebhookScope;

    @Post()
    @mutation('create')
    @impersonation('denied')
    @partners()
    @ApiOp(`${o.ops}_create`, `Create a ${o.noun}`, ['validation_failed'], 'Answers the `whsec_` signing secret once. Every delivery is signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature); custom headers (e.g. a partner’s API key) are stored encrypted and shown masked.')
    @ApiCreatedResponse({ type: WebhookEndpointWithSecretDto })
    create(@Body() dto: CreateWebhookEndpointDto): Promise<WebhookEndpointWithSecretDto> {
      return this.endpoints.create(this.scope(), dto);
    }

    @Get()
    @partners()
    @ApiOp(`${o.ops}_list`, `List ${o.noun}s`, ['validation_failed'])
    @ApiOkResponse({ type: PageOf(WebhookEndpointDto) })
    list(@Query() query: WebhookEndpointListQueryDto) {
      return this.endpoints.list(this.scope(), query);
    }

    @Get(id)
    @partners()
    @ApiOp(`${o.ops}_get`, `Get a ${o.noun}`, [...ENDPOINT_ERRORS])
    @ApiOkResponse({ type: WebhookEndpointDto })
    get(@Param(o.param, UuidPipe) endpointId: string): Promise<WebhookEndpointDto> {
      return this.endpoints.get(this.scope(), endpointId);
    }

    @Delete(id)
    @HttpCode(204)
    @mutation('delete')
    @impersonation('denied')
    @partners()
    @ApiOp(`${o.ops}_delete`, `Delete a ${o.noun} and its delivery log`, [...ENDPOINT_ERRORS])
    @ApiNoContentResponse()
    async remove(@Param(o.param, UuidPipe) endpointId: string): Promise<void> {
      await this.endpoints.remove(this.scope(), endpointId);
    }

    @Post(`${id}/rotate-secret`)
    @HttpCode(200)
    @mutation('rotateSecret')
    @impersonation('denied')
    @partners()
    @ApiOp(`${o.ops}_rotateSecret`, `Rotate the signing secret of a ${o.noun} (the old one keeps signing for 24 h)`, [...ENDPOINT_ERRORS], 'During the overlap every delivery carries two `v1,` signatures, one per secret, so the receiver can switch at its pace.')
    @ApiOkResponse({ type: WebhookEndpointWithSecretDto })
    rotateSecret(@Param(o.param, UuidPipe) endpointId: string): Promise<WebhookEndpointWithSecretDto> {
      return this.endpoints.rotateSecret(this.scope(), endpointId);
    }

    @Post(`${id}/preview`)
    @HttpCode(200)
    @mutation('preview')
    @impersonation('allowed')
    @partners()
    @ApiOp(`${o.ops}_preview`, `Render the payload definition of a ${o.noun} on a sample event (sends nothing)`, [...ENDPOINT_ERRORS])
    @ApiOkResponse({ type: WebhookPreviewDto })
    preview(@Param(o.param, UuidPipe) endpointId: string, @Body() dto: WebhookEventTypeDto): Promise<WebhookPreviewDto> {
      return this.endpoints.preview(this.scope(), endpointId, dto.eventType);
    }

    @Post(`${id}/test`)
    @HttpCode(200)
    @mutation('test')
    @impersonation('allowed')
    @partners()
    @ApiOp(`${o.ops}_test`, `Send a sample event to a ${o.noun} now and answer its attempt`, [...ENDPOINT_ERRORS, 'webhook_endpoint_disabled'], 'The sample is rendered by the endpoint’s payload definition and signed like any delivery; a failure is retried on the normal schedule.')
    @ApiOkResponse({ type: WebhookTestResultDto })
    test(@Param(o.param, UuidPipe) endpointId: string, @Body() dto: WebhookEventTypeDto): Promise<WebhookTestResultDto> {
      return this.messages.test(this.scope(), endpointId, dto.eventType);
    }

    @Get(`${id}/docs`)
    @partners()
    @ApiOp(`${o.ops}_docs`, `What a ${o.noun} receives and how to verify a delivery`, [...ENDPOINT_ERRORS])
    @ApiOkResponse({ type: WebhookEndpointDocsDto })
    docs(@Param(o.param, UuidPipe) endpointId: string): Promise<WebhookEndpointDocsDto> {
      return this.endpoints.docs(this.scope(), endpointId);
    }

    @Get(`${id}/health`)
    @partners()
    @ApiOp(`${o.ops}_health`, `Health of a ${o.noun}: success rate, p95 latency, last success and error, breaker state`, [...ENDPOINT_ERRORS])
    @ApiOkResponse({ type: WebhookEndpointHealthDto })
    health(@Param(o.param, UuidPipe) endpointId: string): Promise<WebhookEndpointHealthDto> {
      return this.messages.health(this.scope(), endpointId);
    }

    @Get(`${id}/messages`)
    @partners()
    @ApiOp(`${o.ops}_listMessages`, `Delivery log of a ${o.noun}: messages, newest first (kept 30 days)`, [...ENDPOINT_ERRORS])
    @ApiOkResponse({ type: PageOf(WebhookMessageDto) })
    listMessages(@Param(o.param, UuidPipe) endpointId: string, @Query() query: WebhookMessageListQueryDto) {
      return this.messages.list(this.scope(), endpointId, query);
    }

    @Get(`${id}/messages/:messageId`)
    @partners()
    @ApiOp(`${o.ops}_getMessage`, `One message of a ${o.noun}`, [...MESSAGE_ERRORS])
    @ApiOkResponse({ type: WebhookMessageDto })
    getMessage(@Param(o.param, UuidPipe) endpointId: string, @Param('messageId', UuidPipe) messageId: string): Promise<WebhookMessageDto> {
      return this.messages.get(this.scope(), endpointId, messageId);
    }

    @Get(`${id}/messages/:messageId/attempts`)
    @partners()
    @ApiOp(`${o.ops}_listAttempts`, `Attempts of a ${o.noun}’s message: request (no secrets), response status, headers, first 4 KB of body, duration, error`, [...MESSAGE_ERRORS])
    @ApiOkResponse({ type: [WebhookAttemptDto] })
    listAttempts(@Param(o.param, UuidPipe) endpointId: string, @Param('messageId', UuidPipe) messageId: string): Promise<WebhookAttemptDto[]> {
      return this.messages.attempts(this.scope(), endpointId, messageId);
    }

    @Post(`${id}/messages/:messageId/retry`)
    @HttpCode(202)
    @mutation('retryMessage')
    @impersonation('allowed')
    @partners()
    @ApiOp(`${o.ops}_retryMessage`, `Attempt a ${o.noun}’s message again now`, [...MESSAGE_ERRORS, 'webhook_endpoint_disabled', 'webhook_message_in_flight'])
    @ApiAcceptedResponse({ type: WebhookMessageDto })
    retryMessage(@Param(o.param, UuidPipe) endpointId: string, @Param('messageId', UuidPipe) messageId: string): Promise<WebhookMessageDto> {
      return this.messages.retry(this.scope(), endpointId, messageId);
    }

    @Post(`${id}/replay`)
    @HttpCode(202)
    @mutation('replay')
    @impersonation('allowed')
    @partners()
    @ApiOp(`${o.ops}_replay`, `Deliver again every failed message of a ${o.noun} since an instant (recovery after an outage)`, [...ENDPOINT_ERRORS, 'webhook_endpoint_disabled'])
    @ApiAcceptedResponse({ type: WebhookReplayResultDto })
    replay(@Param(o.param, UuidPipe) endpointId: string, @Body() dto: WebhookReplayDto): Promise<WebhookReplayResultDto> {
      return this.messages.replay(this.scope(), endpointId, dto.since);
    }
  }
  return WebhookRoutes;
}

/**
 * Outbound webhook endpoints of the signed-in tenant, for its admins and for partner keys with
 * `webhooks:write` (a partner registers its own receiver; the integrations module).
 */
@ApiTags('tenant-integrations')
@AuditResource('integrations', 'webhook_endpoint')
@RequiresModule('integrations')
@TenantAuth('admin')
@Controller('tenant/webhook-endpoints')
export class TenantWebhookEndpointsController extends webhookRoutes({ ops: 'tenantWebhookEndpoints', param: 'endpointId', noun: 'webhook endpoint', audit: 'webhookEndpoint', tenant: true }) {
  constructor(
    endpoints: WebhookEndpointsService,
    messages: WebhookMessagesService,
    private readonly context: RequestContext,
  ) {
    super(endpoints, messages);
  }

  scope(): WebhookScope {
    return this.context.actor.tenantId!;
  }

  @Patch(':endpointId')
  @Audited('webhookEndpoint.update')
  @PartnerAccess('webhooks:write')
  @DenyDuringImpersonation()
  @ApiOp('tenantWebhookEndpoints_update', 'Change an endpoint (only the fields given; `headers` replaces the list)', [...ENDPOINT_ERRORS])
  @ApiOkResponse({ type: WebhookEndpointDto })
  update(@Param('endpointId', UuidPipe) endpointId: string, @Body() dto: UpdateWebhookEndpointDto): Promise<WebhookEndpointDto> {
    return this.endpoints.update(this.scope(), endpointId, dto);
  }
}

/** Platform webhooks of the super admins: events across tenants, the same delivery engine. */
@ApiTags('platform-webhooks')
@AuditResource('integrations', 'platform_webhook')
@PlatformAuth('owner', 'admin')
@Controller('admin/webhooks')
export class AdminWebhooksController extends webhookRoutes({ ops: 'adminWebhooks', param: 'webhookId', noun: 'platform webhook', audit: 'platformWebhook', tenant: false }) {
  scope(): WebhookScope {
    return null;
  }

  @Put(':webhookId')
  @Audited('platformWebhook.update')
  @ApiOp('adminWebhooks_update', 'Change a platform webhook (only the fields given; `headers` replaces the list)', [...ENDPOINT_ERRORS])
  @ApiOkResponse({ type: WebhookEndpointDto })
  update(@Param('webhookId', UuidPipe) webhookId: string, @Body() dto: UpdateWebhookEndpointDto): Promise<WebhookEndpointDto> {
    return this.endpoints.update(null, webhookId, dto);
  }
}

/** The event catalog for tenant integrators: every type a tenant endpoint can subscribe to. */
@ApiTags('tenant-integrations')
@RequiresModule('integrations')
@TenantAuth('admin')
@Controller('tenant')
export class TenantIntegrationsController {
  constructor(
    private readonly messages: WebhookMessagesService,
    private readonly context: RequestContext,
  ) {}

  @Get('event-types')
  @ApiOp('tenantEventTypes_list', 'Event types tenant endpoints can subscribe to, with a JSON Schema and an example of each payload', ['validation_failed'])
  @ApiOkResponse({ type: PageOf(EventTypeDto) })
  eventTypes(@Query() query: PageQueryDto) {
    return eventTypesFor('tenant', query);
  }

  @Get('integrations/health')
  @ApiOp('tenantIntegrations_health', 'Your integrations at a glance: endpoints, partners, success rate, backlog, each endpoint’s health', [])
  @ApiOkResponse({ type: IntegrationsHealthDto })
  health(): Promise<IntegrationsHealthDto> {
    return this.messages.integrationsHealth(this.context.actor.tenantId!);
  }
}

/** The event catalog for platform webhooks. */
@ApiTags('platform-webhooks')
@PlatformAuth()
@Controller('admin/event-types')
export class AdminEventTypesController {
  @Get()
  @ApiOp('adminEventTypes_list', 'Event types platform webhooks can subscribe to, with a JSON Schema and an example of each payload', ['validation_failed'])
  @ApiOkResponse({ type: PageOf(EventTypeDto) })
  list(@Query() query: PageQueryDto) {
    return eventTypesFor('platform', query);
  }
}

/** Controllers of the webhooks feature (for the module). */
export const WEBHOOK_CONTROLLERS: Type[] = [TenantWebhookEndpointsController, AdminWebhooksController, TenantIntegrationsController, AdminEventTypesController];
