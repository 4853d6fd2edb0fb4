import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { SERVICE_SCOPES, ServiceScope, TokenRevocations } from '../../../common/auth';
import { RequestContext } from '../../../common/context/request-context';
import { AppError, ConflictError, NotFoundError, UnprocessableError } from '../../../common/errors';
import { UnitOfWork } from '../../../common/events';
import { Page, toPage } from '../../../common/http';
import { Clock } from '../../../common/time';
import { APP_CONFIG, AppConfig } from '../../../config';
import { ModuleCatalogService } from '../../plans';
import { TokenService } from '../token.service';
import { ServiceClient } from './service-client.entity';
import {
  CreateServiceClientDto,
  DEFAULT_SECRET_OVERLAP_MINUTES,
  OAuthTokenResponseDto,
  RotateServiceClientSecretDto,
  ServiceClientDto,
  ServiceClientListQueryDto,
  ServiceClientWithSecretDto,
} from './service-client.dto';

/** SHA-256 hex of a client secret, the only form stored. */
export function hashClientSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Compares two hex digests in constant time. */
function sameDigest(a: string, b: string | null): boolean {
  if (!b || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
}

/** The RFC 6749 §5.2 error codes the token endpoint answers. */
export type OAuthErrorCode = 'invalid_request' | 'invalid_client' | 'unsupported_grant_type' | 'invalid_scope';

const OAUTH_CODES = {
  invalid_request: ['oauth_invalid_request', 400],
  invalid_client: ['oauth_invalid_client', 401],
  unsupported_grant_type: ['oauth_unsupported_grant_type', 400],
  invalid_scope: ['oauth_invalid_scope', 400],
} as const;

/**
 * A refused token request: answered with the RFC 6749 §5.2 body `{ error, error_description }`
 * (not problem+json), 401 with `WWW-Authenticate: Basic` for a failed client authentication, 400
 * otherwise; `Cache-Control: no-store` (§5.1). Catalogued as `oauth_<error>`.
 */
export class OAuthError extends AppError<(typeof OAUTH_CODES)[OAuthErrorCode][0]> {
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
  ) {
    const [code, status] = OAUTH_CODES[error];
    super(code, status as never, description, {}, { 'Cache-Control': 'no-store', Pragma: 'no-cache', ...(error === 'invalid_client' ? { 'WWW-Authenticate': 'Basic realm="control-plane", charset="UTF-8"' } : {}) });
    this.standardBody = { error, error_description: description };
  }
}

/** The credentials and parameters of a client-credentials token request. */
export interface TokenRequest {
  grantType: string | undefined;
  clientId: string | undefined;
  clientSecret: string | undefined;
  scope: string | undefined;
}

/** Service client lifetime, in seconds, of its access tokens (short: a service asks again, RFC 9068 §5). */
export const SERVICE_TOKEN_TTL_SECONDS = 300;

/**
 * Product-module services as OAuth 2.0 confidential clients (RFC 6749 §4.4 client credentials):
 * registration by staff (the secret shown once, stored as a digest), listing, secret rotation with
 * a stated overlap, revocation (every token of the client stops at once on every instance, through
 * the shared revocation store) and the token grant itself.
 */
@Injectable()
export class ServiceClientsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly tokens: TokenService,
    private readonly revocations: TokenRevocations,
    private readonly uow: UnitOfWork,
    private readonly catalog: ModuleCatalogService,
    private readonly context: RequestContext,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get repo() {
    return this.txHost.tx.getRepository(ServiceClient);
  }

  /**
   * Registers a service; answers its secret once. @throws UnprocessableError `unknown_module`
   * (field moduleCode) for a module outside the catalog
   */
  async create(dto: CreateServiceClientDto): Promise<ServiceClientWithSecretDto> {
    if (dto.moduleCode !== undefined && !(await this.catalog.byCode(dto.moduleCode))) {
      throw new UnprocessableError('unknown_module', `Module ${dto.moduleCode} is not in the catalog.`, { field: 'moduleCode' });
    }
    const secret = newSecret();
    const scopes = SERVICE_SCOPES.filter((s) => dto.scopes.includes(s));
    const [row] = (await this.repo
      .createQueryBuilder()
      .insert()
      .values({
        clientId: `svc_${randomBytes(18).toString('base64url')}`,
        name: dto.name,
        moduleCode: dto.moduleCode ?? null,
        scopes,
        secretHash: hashClientSecret(secret),
        secretPrefix: secret.slice(0, 11),
        createdBy: this.context.actor.id,
      })
      .returning('*')
      .execute()).generatedMaps as ServiceClient[];
    const created = await this.find(row.id);
    this.context.noteAudit({ resourceId: created.id, after: toServiceClientDto(created) });
    return { ...toServiceClientDto(created), clientSecret: secret };
  }

  /** Registered services, newest first. */
  async list(query: ServiceClientListQueryDto): Promise<Page<ServiceClientDto>> {
    const [rows, total] = await this.repo.findAndCount({
      where: query.status ? { status: query.status } : {},
      order: { createdAt: 'DESC', id: 'DESC' },
      take: query.limit,
      skip: query.offset,
    });
    return toPage(rows.map(toServiceClientDto), total, query);
  }

  /** One service. @throws NotFoundError `service_client_not_found` */
  async get(id: string): Promise<ServiceClientDto> {
    return toServiceClientDto(await this.find(id));
  }

  /**
   * Issues a new secret; the previous one keeps working for `overlapMinutes` (default
   * {@link DEFAULT_SECRET_OVERLAP_MINUTES}; 0 stops it at once), so a service can roll its
   * deployments without an outage. A secret rotated out earlier and still in its overlap stops now.
   * @throws NotFoundError | ConflictError `service_client_revoked`
   */
  async rotateSecret(id: string, dto: RotateServiceClientSecretDto): Promise<ServiceClientWithSecretDto> {
    const client = await this.find(id, true);
    if (client.status === 'revoked') throw new ConflictError('service_client_revoked', `Service client ${client.clientId} is revoked.`);
    const overlap = dto.overlapMinutes ?? DEFAULT_SECRET_OVERLAP_MINUTES;
    const now = this.clock.now();
    const secret = newSecret();
    await this.repo.update(id, {
      secretHash: hashClientSecret(secret),
      secretPrefix: secret.slice(0, 11),
      previousSecretHash: overlap > 0 ? client.secretHash : null,
      previousSecretExpiresAt: overlap > 0 ? new Date(now.getTime() + overlap * 60_000) : null,
      secretRotatedAt: now,
    });
    const after = await this.find(id);
    this.context.noteAudit({ before: toServiceClientDto(client), after: toServiceClientDto(after), metadata: { overlapMinutes: overlap } });
    return { ...toServiceClientDto(after), clientSecret: secret };
  }

  /**
   * Revokes the client: its secrets stop, and every access token already issued to it is refused
   * from the commit on, on every instance. Revoking a revoked client changes nothing.
   * @throws NotFoundError
   */
  async revoke(id: string): Promise<ServiceClientDto> {
    const client = await this.find(id, true);
    if (client.status !== 'revoked') {
      await this.repo.update(id, { status: 'revoked', revokedAt: this.clock.now(), previousSecretHash: null, previousSecretExpiresAt: null });
      this.uow.afterCommit(() => this.revocations.revokeSubject(id));
    }
    const after = await this.find(id);
    this.context.noteAudit({ before: toServiceClientDto(client), after: toServiceClientDto(after) });
    return toServiceClientDto(after);
  }

  /**
   * The client-credentials grant (RFC 6749 §4.4): authenticates the client (current secret, or the
   * previous one within its overlap), checks the grant type and the requested scopes (a subset of
   * the client's; default all) and signs a short-lived JWT of kind `service` (RFC 9068 claims
   * `client_id`, `scope`; no tenant). Notes the client as the audit actor.
   * @throws OAuthError with the RFC 6749 §5.2 error code
   */
  async issueToken(req: TokenRequest): Promise<OAuthTokenResponseDto> {
    if (!req.clientId || !req.clientSecret) throw new OAuthError('invalid_client', 'Client authentication is required: HTTP Basic with client_id and client_secret (RFC 6749 §2.3.1).');
    if (!req.grantType) throw new OAuthError('invalid_request', 'grant_type is required.');
    const client = await this.repo.findOne({ where: { clientId: req.clientId } });
    const digest = hashClientSecret(req.clientSecret);
    const now = this.clock.now();
    const authenticated =
      !!client &&
      client.status === 'active' &&
      (sameDigest(digest, client.secretHash) || (client.previousSecretExpiresAt !== null && client.previousSecretExpiresAt > now && sameDigest(digest, client.previousSecretHash)));
    if (client) this.context.noteAudit({ actor: { type: 'service', id: client.id, clientId: client.clientId }, resourceId: client.id });
    if (!authenticated) throw new OAuthError('invalid_client', 'Unknown client, wrong secret, or the client is revoked.');
    if (req.grantType !== 'client_credentials') throw new OAuthError('unsupported_grant_type', 'Only grant_type=client_credentials is supported.');
    const requested = req.scope === undefined ? client.scopes : req.scope.split(' ').filter(Boolean);
    const refused = requested.filter((s) => !client.scopes.includes(s));
    if (refused.length || !requested.length) throw new OAuthError('invalid_scope', refused.length ? `Scope ${refused.join(' ')} is not granted to this client.` : 'The scope is empty.');
    const scope = SERVICE_SCOPES.filter((s) => requested.includes(s)).join(' ');
    await this.repo.update(client.id, { lastTokenIssuedAt: now });
    return { access_token: this.sign(client, scope), token_type: 'Bearer', expires_in: SERVICE_TOKEN_TTL_SECONDS, scope };
  }

  private sign(client: ServiceClient, scope: string): string {
    return this.tokens.signAccessToken({ kind: 'service', id: client.id, role: 'service', tenantId: null, email: '' }, { client_id: client.clientId, scope }, SERVICE_TOKEN_TTL_SECONDS);
  }

  private async find(id: string, lock = false): Promise<ServiceClient> {
    const qb = this.repo.createQueryBuilder('c').where('c.id = :id', { id });
    if (lock) qb.setLock('pessimistic_write');
    const client = await qb.getOne();
    if (!client) throw new NotFoundError('Service client', id);
    return client;
  }
}

/** A new client secret: `svcsec_` + 256 random bits, base64url. */
function newSecret(): string {
  return `svcsec_${randomBytes(32).toString('base64url')}`;
}

/** The API shape of a client (never its secret digests). */
export function toServiceClientDto(c: ServiceClient): ServiceClientDto {
  return {
    id: c.id,
    clientId: c.clientId,
    name: c.name,
    moduleCode: c.moduleCode,
    scopes: c.scopes as ServiceScope[],
    secretPrefix: c.secretPrefix,
    previousSecretExpiresAt: c.previousSecretExpiresAt?.toISOString() ?? null,
    status: c.status,
    revokedAt: c.revokedAt?.toISOString() ?? null,
    lastTokenIssuedAt: c.lastTokenIssuedAt?.toISOString() ?? null,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}
