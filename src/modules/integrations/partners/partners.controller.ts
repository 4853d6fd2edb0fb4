import '../errors';
import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DenyDuringImpersonation, ImpersonationPolicy, PartnerAccess, RequiresModule, ServiceAuth, TenantAuth } from '../../../common/auth';
import { RequestContext } from '../../../common/context/request-context';
import { ApiOp, Audited, AuditResource, PageOf, startEventStream } from '../../../common/http';
import { ApiKeysService } from './api-keys.service';
import { EventStreamService, StreamEvent } from './event-stream.service';
import {
  ApiKeyDto,
  ApiKeyWithSecretDto,
  CreateApiKeyDto,
  CreatePartnerDto,
  OAuthIntrospectionDto,
  OAuthIntrospectionRequestDto,
  PartnerDto,
  PartnerKeyParams,
  PartnerListQueryDto,
  PartnerParams,
  RotateApiKeyDto,
  UpdatePartnerDto,
} from './partners.dto';
import { PartnersService } from './partners.service';

/** Seconds between heartbeats on an idle event stream (a comment line keeps proxies from closing it). */
export const HEARTBEAT_SECONDS = 15;

/** The tenant's partners, managed by its admins (the integrations module). */
@ApiTags('tenant-integrations')
@AuditResource('integrations', 'partner')
@RequiresModule('integrations')
@TenantAuth('admin')
@ImpersonationPolicy('allowed')
@Controller('tenant/partners')
export class TenantPartnersController {
  constructor(
    private readonly partners: PartnersService,
    private readonly keys: ApiKeysService,
    private readonly context: RequestContext,
  ) {}

  private get tenantId(): string {
    return this.context.actor.tenantId!;
  }

  @Post()
  @Audited('partner.create')
  @ApiOp('tenantPartners_create', 'Add a partner', ['validation_failed'])
  @ApiCreatedResponse({ type: PartnerDto })
  create(@Body() dto: CreatePartnerDto): Promise<PartnerDto> {
    return this.partners.create(this.tenantId, dto);
  }

  @Get()
  @ApiOp('tenantPartners_list', 'List partners', ['validation_failed'])
  @ApiOkResponse({ type: PageOf(PartnerDto) })
  list(@Query() query: PartnerListQueryDto) {
    return this.partners.list(this.tenantId, query);
  }

  @Get(':partnerId')
  @ApiOp('tenantPartners_get', 'Get a partner', ['validation_failed', 'partner_not_found'])
  @ApiOkResponse({ type: PartnerDto })
  get(@Param() p: PartnerParams): Promise<PartnerDto> {
    return this.partners.get(this.tenantId, p.partnerId);
  }

  @Patch(':partnerId')
  @Audited('partner.update')
  @ApiOp('tenantPartners_update', 'Change a partner’s name, description or contact', ['validation_failed', 'partner_not_found'])
  @ApiOkResponse({ type: PartnerDto })
  update(@Param() p: PartnerParams, @Body() dto: UpdatePartnerDto): Promise<PartnerDto> {
    return this.partners.update(this.tenantId, p.partnerId, dto);
  }

  @Post(':partnerId/activate')
  @HttpCode(200)
  @Audited('partner.activate')
  @ApiOp('tenantPartners_activate', 'Activate a partner: its keys that are neither revoked nor expired work again', ['validation_failed', 'partner_not_found'])
  @ApiOkResponse({ type: PartnerDto })
  activate(@Param() p: PartnerParams): Promise<PartnerDto> {
    return this.partners.setActive(this.tenantId, p.partnerId, true);
  }

  @Post(':partnerId/deactivate')
  @HttpCode(200)
  @Audited('partner.deactivate')
  @ApiOp('tenantPartners_deactivate', 'Deactivate a partner: every key of it is refused at once (401)', ['validation_failed', 'partner_not_found'])
  @ApiOkResponse({ type: PartnerDto })
  deactivate(@Param() p: PartnerParams): Promise<PartnerDto> {
    return this.partners.setActive(this.tenantId, p.partnerId, false);
  }

  @Post(':partnerId/api-keys')
  @Audited('partnerApiKey.create')
  @DenyDuringImpersonation()
  @ApiOp(
    'tenantPartners_createApiKey',
    'Create an API key for a partner (shown once)',
    ['validation_failed', 'partner_not_found', 'partner_inactive'],
    'The partner sends the key as the `X-Api-Key` header (never with a bearer token). It reaches only the tenant routes that name one of its scopes. Stored as a digest: copy it now.',
  )
  @ApiCreatedResponse({ type: ApiKeyWithSecretDto })
  createKey(@Param() p: PartnerParams, @Body() dto: CreateApiKeyDto): Promise<ApiKeyWithSecretDto> {
    return this.keys.create(this.tenantId, p.partnerId, dto);
  }

  @Get(':partnerId/api-keys')
  @ApiOp('tenantPartners_listApiKeys', 'List a partner’s API keys (prefix, scopes, status, last use)', ['validation_failed', 'partner_not_found'])
  @ApiOkResponse({ type: [ApiKeyDto] })
  listKeys(@Param() p: PartnerParams): Promise<ApiKeyDto[]> {
    return this.keys.list(this.tenantId, p.partnerId);
  }

  @Post(':partnerId/api-keys/:keyId/revoke')
  @HttpCode(200)
  @Audited('partnerApiKey.revoke')
  @ApiOp('tenantPartners_revokeApiKey', 'Revoke an API key: refused at once on every instance', ['validation_failed', 'partner_not_found', 'api_key_not_found'])
  @ApiOkResponse({ type: ApiKeyDto })
  revokeKey(@Param() p: PartnerKeyParams): Promise<ApiKeyDto> {
    return this.keys.revoke(this.tenantId, p.partnerId, p.keyId);
  }

  @Post(':partnerId/api-keys/:keyId/rotate')
  @HttpCode(200)
  @Audited('partnerApiKey.rotate')
  @DenyDuringImpersonation()
  @ApiOp(
    'tenantPartners_rotateApiKey',
    'Replace an API key; the old one keeps working for the overlap',
    ['validation_failed', 'partner_not_found', 'api_key_not_found', 'api_key_revoked', 'partner_inactive'],
    'Answers the new key once (same name and scopes). The old key works for `overlapMinutes` (default 60), then shows as expired.',
  )
  @ApiOkResponse({ type: ApiKeyWithSecretDto })
  rotateKey(@Param() p: PartnerKeyParams, @Body() dto: RotateApiKeyDto): Promise<ApiKeyWithSecretDto> {
    return this.keys.rotate(this.tenantId, p.partnerId, p.keyId, dto);
  }
}

/** The tenant's real-time event stream (Server-Sent Events). */
@ApiTags('tenant-integrations')
@AuditResource('integrations', 'event')
@RequiresModule('integrations')
@TenantAuth('admin')
@PartnerAccess('events:read')
@Controller('tenant/events')
export class TenantEventStreamController {
  constructor(
    private readonly stream: EventStreamService,
    private readonly context: RequestContext,
  ) {}

  @Get('stream')
  @ApiOp(
    'tenantEvents_stream',
    'Stream the organisation’s events as they happen (Server-Sent Events)',
    [],
    'Each event is an SSE message: `id` (the event id), `event` (its type, e.g. `user.created`) and `data` (the envelope: eventId, name, occurredAt, tenantId, actor, payload). A comment line is sent every 15 s when idle. Reconnect with `Last-Event-ID` to receive what was missed (up to 1,000 events, from the last 7 days). Works on any instance. Tenant admins, or a partner key with `events:read`.',
  )
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this event id' })
  @ApiOkResponse({ description: 'text/event-stream of the tenant’s events', content: { 'text/event-stream': { schema: { type: 'string' } } } })
  async open(@Req() req: Request, @Res() res: Response, @Headers('last-event-id') lastEventId?: string): Promise<void> {
    const tenantId = this.context.actor.tenantId!;
    const heartbeat = startEventStream(res, HEARTBEAT_SECONDS);
    const sent = new Set<string>();
    const write = (e: StreamEvent) => {
      if (sent.has(e.eventId)) return;
      sent.add(e.eventId);
      if (sent.size > 5000) sent.delete(sent.values().next().value as string);
      res.write(`id: ${e.eventId}\nevent: ${e.name}\ndata: ${JSON.stringify(e)}\n\n`);
    };
    // Live events first (buffered), then the replay, so nothing committed meanwhile is missed.
    const buffered: StreamEvent[] = [];
    let replaying = true;
    const stop = this.stream.listen(tenantId, (e) => (replaying ? buffered.push(e) : write(e)));
    const untrack = this.stream.track(() => res.end());
    const close = () => {
      heartbeat.stop();
      stop();
      untrack();
    };
    req.on('close', close);
    try {
      if (lastEventId && /^[0-9a-f-]{36}$/i.test(lastEventId)) for (const e of await this.stream.after(tenantId, lastEventId)) write(e);
    } finally {
      replaying = false;
      for (const e of buffered.splice(0)) write(e);
    }
  }
}

/** RFC 7662 introspection of partner API keys for product-module services. */
@ApiTags('service')
@AuditResource('integrations', 'api_key')
@ServiceAuth('api-keys:introspect')
@Controller('service/api-keys')
export class ServiceApiKeyIntrospectionController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post('introspect')
  @HttpCode(200)
  @Audited('partnerApiKey.introspect')
  @ApiOp(
    'serviceApiKeys_introspect',
    'Is this partner API key valid, and for whom? (RFC 7662)',
    ['validation_failed'],
    'A product module that receives a partner’s key asks here: `active: false` for anything that would not authenticate (unknown, revoked, expired, deactivated partner, deleted tenant), else the scopes, the tenant, the partner and the expiry. JSON or form-encoded `token`. Do not cache an active answer for longer than a minute.',
  )
  @ApiOkResponse({ type: OAuthIntrospectionDto })
  introspect(@Body() dto: OAuthIntrospectionRequestDto): Promise<OAuthIntrospectionDto> {
    return this.keys.introspect(dto.token);
  }
}
