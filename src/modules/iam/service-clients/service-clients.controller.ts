import { Body, Controller, Get, Header, Headers, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiExtraModels, ApiHeader, ApiOkResponse, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { PlatformAuth, Public } from '../../../common/auth';
import { ApiOp, Audited, AuditResource, PageOf, UuidPipe } from '../../../common/http';
import {
  CreateServiceClientDto,
  OAuthErrorDto,
  OAuthTokenRequestDto,
  OAuthTokenResponseDto,
  RotateServiceClientSecretDto,
  ServiceClientDto,
  ServiceClientListQueryDto,
  ServiceClientWithSecretDto,
} from './service-client.dto';
import { OAuthError, ServiceClientsService, TokenRequest } from './service-clients.service';

/** Registration of product-module services (OAuth 2.0 clients) by owners and admins. */
@ApiTags('service-clients')
@AuditResource('iam', 'service_client')
@PlatformAuth('owner', 'admin')
@Controller('admin/service-clients')
export class ServiceClientsController {
  constructor(private readonly clients: ServiceClientsService) {}

  @Post()
  @Audited('serviceClient.create')
  @ApiOp('adminServiceClients_create', 'Register a product-module service (its secret is shown once)', ['validation_failed', 'unknown_module'])
  @ApiCreatedResponse({ type: ServiceClientWithSecretDto })
  create(@Body() dto: CreateServiceClientDto): Promise<ServiceClientWithSecretDto> {
    return this.clients.create(dto);
  }

  @Get()
  @ApiOp('adminServiceClients_list', 'List registered product-module services', ['validation_failed'])
  @ApiOkResponse({ type: PageOf(ServiceClientDto) })
  list(@Query() query: ServiceClientListQueryDto) {
    return this.clients.list(query);
  }

  @Get(':serviceClientId')
  @ApiOp('adminServiceClients_get', 'Get a registered service', ['validation_failed', 'service_client_not_found'])
  @ApiOkResponse({ type: ServiceClientDto })
  get(@Param('serviceClientId', UuidPipe) id: string): Promise<ServiceClientDto> {
    return this.clients.get(id);
  }

  @Post(':serviceClientId/rotate-secret')
  @HttpCode(200)
  @Audited('serviceClient.rotateSecret')
  @ApiOp(
    'adminServiceClients_rotateSecret',
    'Issue a new secret; the previous one keeps working for the overlap',
    ['validation_failed', 'service_client_not_found', 'service_client_revoked'],
    'The new secret is shown once. The previous secret still gets tokens for `overlapMinutes` (default 60), so deployments can roll without an outage; tokens already issued run to their expiry (5 minutes).',
  )
  @ApiOkResponse({ type: ServiceClientWithSecretDto })
  rotateSecret(@Param('serviceClientId', UuidPipe) id: string, @Body() dto: RotateServiceClientSecretDto): Promise<ServiceClientWithSecretDto> {
    return this.clients.rotateSecret(id, dto);
  }

  @Post(':serviceClientId/revoke')
  @HttpCode(200)
  @Audited('serviceClient.revoke')
  @ApiOp('adminServiceClients_revoke', 'Revoke a service: its secrets and every token it holds stop at once', ['validation_failed', 'service_client_not_found'])
  @ApiOkResponse({ type: ServiceClientDto })
  revoke(@Param('serviceClientId', UuidPipe) id: string): Promise<ServiceClientDto> {
    return this.clients.revoke(id);
  }
}

/**
 * Reads client credentials from `Authorization: Basic` (RFC 6749 §2.3.1: the id and secret are
 * form-urlencoded, then joined by `:` and base64-encoded) or from the body; both at once is an
 * `invalid_request` (one method per request).
 */
export function tokenRequestOf(authorization: string | undefined, body: Record<string, unknown>): TokenRequest {
  const field = (name: string): string | undefined => {
    const v = body[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw new OAuthError('invalid_request', `${name} must be given once, as a string.`);
    return v;
  };
  const grantType = field('grant_type');
  const scope = field('scope');
  const bodyId = field('client_id');
  const bodySecret = field('client_secret');
  if (authorization !== undefined && /^basic /i.test(authorization)) {
    if (bodyId !== undefined || bodySecret !== undefined) throw new OAuthError('invalid_request', 'Use one client authentication method: HTTP Basic or the body, not both.');
    const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new OAuthError('invalid_client', 'The Basic credentials are malformed.');
    const decode = (s: string) => {
      try {
        return decodeURIComponent(s.replace(/\+/g, ' '));
      } catch {
        throw new OAuthError('invalid_client', 'The Basic credentials are malformed.');
      }
    };
    return { grantType, scope, clientId: decode(decoded.slice(0, colon)), clientSecret: decode(decoded.slice(colon + 1)) };
  }
  return { grantType, scope, clientId: bodyId, clientSecret: bodySecret };
}

/** The OAuth 2.0 token endpoint of product-module services (client credentials grant). */
@ApiTags('service')
@ApiExtraModels(OAuthErrorDto)
@AuditResource('iam', 'service_client')
@UseGuards(ThrottlerGuard)
@Controller('oauth')
export class OAuthTokenController {
  constructor(private readonly clients: ServiceClientsService) {}

  @Post('token')
  @Public()
  @HttpCode(200)
  @Audited('serviceClient.token')
  // RFC 6749 §5.1: a response carrying a token is not cached.
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiOp(
    'oauth_token',
    'Get a service access token (OAuth 2.0 client credentials, RFC 6749 §4.4)',
    ['rate_limited'],
    'Form-encoded (`application/x-www-form-urlencoded`): `grant_type=client_credentials`, optional `scope` (a subset of the client’s). Authenticate the client with HTTP Basic (`client_id:client_secret`, RFC 6749 §2.3.1). The token lasts 5 minutes; ask again rather than refresh. Errors on this route are the RFC 6749 §5.2 body `{ error, error_description }`: 400 `invalid_request` | `unsupported_grant_type` | `invalid_scope`, 401 `invalid_client`.',
  )
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ type: OAuthTokenRequestDto })
  @ApiHeader({ name: 'Authorization', required: false, description: 'Basic base64(client_id:client_secret)' })
  @ApiOkResponse({ type: OAuthTokenResponseDto })
  @ApiResponse({ status: 400, description: 'RFC 6749 §5.2 error', content: { 'application/json': { schema: { $ref: getSchemaPath(OAuthErrorDto) }, example: { error: 'unsupported_grant_type', error_description: 'Only grant_type=client_credentials is supported.' } } } })
  @ApiResponse({ status: 401, description: 'RFC 6749 §5.2 invalid_client', content: { 'application/json': { schema: { $ref: getSchemaPath(OAuthErrorDto) }, example: { error: 'invalid_client', error_description: 'Unknown client, wrong secret, or the client is revoked.' } } } })
  token(@Headers('authorization') authorization: string | undefined, @Body() body: Record<string, unknown>): Promise<OAuthTokenResponseDto> {
    return this.clients.issueToken(tokenRequestOf(authorization, body ?? {}));
  }
}
