import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ApiKeyAuthenticator, PartnerScope, TokenRevocations } from '../../../common/auth';
import { Actor, RequestContext } from '../../../common/context/request-context';
import { ConflictError, NotFoundError, UnauthorizedError, ValidationError } from '../../../common/errors';
import { TenantDirectory } from '../../../common/tenancy';
import { Clock } from '../../../common/time';
import { TenantScopedRepository } from '../../../database/tenant-scoped.repository';
import { PartnerApiKey } from './partner-api-key.entity';
import { ApiKeyDto, ApiKeyWithSecretDto, CreateApiKeyDto, DEFAULT_KEY_OVERLAP_MINUTES, OAuthIntrospectionDto, RotateApiKeyDto } from './partners.dto';
import { PartnersService } from './partners.service';

/** Every API key starts with this (GitHub-style, so secret scanners can recognise it). */
export const API_KEY_PREFIX = 'cpk_live_';
/** How often the batched `last_used_at` updates are written, in milliseconds. */
export const LAST_USED_FLUSH_MS = 30_000;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `n` random base62 characters. */
function base62(n: number): string {
  const bytes = randomBytes(n * 2);
  let out = '';
  for (let i = 0; out.length < n; i += 1) {
    const b = bytes[i % bytes.length];
    // 248 = 4 × 62: rejection sampling keeps every character equally likely.
    if (b < 248) out += BASE62[b % 62];
    if (i >= bytes.length - 1 && out.length < n) return out + base62(n - out.length);
  }
  return out;
}

/** SHA-256 hex of a whole key, the only form stored. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The parts of a well-formed key, or null: `cpk_live_<12 base62>_<32 base62>`. */
export function parseApiKey(key: string): { prefix: string } | null {
  const m = /^cpk_live_([0-9A-Za-z]{12})_[0-9A-Za-z]{32}$/.exec(key);
  return m ? { prefix: `${API_KEY_PREFIX}${m[1]}` } : null;
}

interface KeyRow {
  id: string;
  tenant_id: string;
  partner_id: string;
  key_hash: string;
  scopes: string[];
  expires_at: Date | null;
  status: string;
  partner_status: string;
  partner_name: string;
  created_at: Date;
}

/**
 * Partners' API keys: creation (shown once), listing by prefix, revocation, rotation with an
 * overlap, authentication of `X-Api-Key` (the {@link ApiKeyAuthenticator} adapter) and RFC 7662
 * introspection for product-module services. A key is checked against PostgreSQL on every request
 * (one indexed look-up with its partner), so a revocation, an expiry or a partner's deactivation
 * refuses it at once on every instance; `last_used_at` is written in batches every
 * {@link LAST_USED_FLUSH_MS}, not once per request.
 */
@Injectable()
export class ApiKeysService extends ApiKeyAuthenticator implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ApiKeysService.name);
  /** Key id → last use, waiting to be written. */
  private readonly lastUsed = new Map<string, Date>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly partners: PartnersService,
    private readonly context: RequestContext,
    private readonly clock: Clock,
    private readonly revocations: TokenRevocations,
    private readonly directory: TenantDirectory,
  ) {
    super();
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flushLastUsed(), LAST_USED_FLUSH_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flushLastUsed();
  }

  private keys(tenantId: string) {
    return new TenantScopedRepository(this.txHost.tx, PartnerApiKey, tenantId);
  }

  /**
   * Creates a key for an active partner; the key is answered once.
   * @throws NotFoundError `partner_not_found` | ConflictError `partner_inactive` | ValidationError (expiresAt in the past)
   */
  async create(tenantId: string, partnerId: string, dto: CreateApiKeyDto): Promise<ApiKeyWithSecretDto> {
    const partner = await this.partners.find(tenantId, partnerId, true);
    if (partner.status !== 'active') throw new ConflictError('partner_inactive', `Partner ${partner.name} is inactive; activate it first.`);
    if (dto.expiresAt && dto.expiresAt.getTime() <= this.clock.now().getTime()) throw new ValidationError([{ field: 'expiresAt', message: 'expiresAt must be in the future' }]);
    const { row, key } = await this.insertKey(tenantId, partnerId, dto.name, dto.scopes, dto.expiresAt ?? null);
    const out = toApiKeyDto(row, this.clock.now());
    this.context.noteAudit({ resourceId: row.id, tenantId, after: out });
    return { ...out, key };
  }

  /** A partner's keys, newest first. @throws NotFoundError `partner_not_found` */
  async list(tenantId: string, partnerId: string): Promise<ApiKeyDto[]> {
    await this.partners.find(tenantId, partnerId);
    const now = this.clock.now();
    return (await this.keys(tenantId).find({ where: { partnerId }, order: { createdAt: 'DESC', id: 'DESC' } })).map((k) => toApiKeyDto(this.withPendingUse(k), now));
  }

  /** Revokes a key at once (idempotent). @throws NotFoundError `partner_not_found` | `api_key_not_found` */
  async revoke(tenantId: string, partnerId: string, keyId: string): Promise<ApiKeyDto> {
    const before = await this.findKey(tenantId, partnerId, keyId);
    if (before.status !== 'revoked') await this.keys(tenantId).update({ id: keyId }, { status: 'revoked', revokedAt: this.clock.now() });
    const after = toApiKeyDto(await this.findKey(tenantId, partnerId, keyId), this.clock.now());
    this.context.noteAudit({ resourceId: keyId, tenantId, before: { status: before.status }, after: { status: after.status } });
    return after;
  }

  /**
   * Replaces a key: a new key with the same name and scopes (answered once); the old one keeps
   * working for `overlapMinutes` (default {@link DEFAULT_KEY_OVERLAP_MINUTES}; 0: stops at once),
   * then expires. @throws NotFoundError | ConflictError `api_key_revoked` (revoked or expired) | `partner_inactive`
   */
  async rotate(tenantId: string, partnerId: string, keyId: string, dto: RotateApiKeyDto): Promise<ApiKeyWithSecretDto> {
    const partner = await this.partners.find(tenantId, partnerId, true);
    if (partner.status !== 'active') throw new ConflictError('partner_inactive', `Partner ${partner.name} is inactive; activate it first.`);
    const old = await this.findKey(tenantId, partnerId, keyId, true);
    const now = this.clock.now();
    if (toApiKeyDto(old, now).status !== 'active') throw new ConflictError('api_key_revoked', `The API key ${old.prefix} is revoked.`);
    const overlap = dto.overlapMinutes ?? DEFAULT_KEY_OVERLAP_MINUTES;
    const { row, key } = await this.insertKey(tenantId, partnerId, old.name, old.scopes as PartnerScope[], old.expiresAt);
    const until = new Date(now.getTime() + overlap * 60_000);
    await this.keys(tenantId).update({ id: keyId }, { replacedBy: row.id, expiresAt: old.expiresAt && old.expiresAt < until ? old.expiresAt : until, ...(overlap === 0 ? { status: 'revoked', revokedAt: now } : {}) });
    const out = toApiKeyDto(row, now);
    this.context.noteAudit({ resourceId: row.id, tenantId, before: { keyId, prefix: old.prefix }, after: out, metadata: { overlapMinutes: overlap } });
    return { ...out, key };
  }

  /** @inheritdoc */
  async authenticate(key: string): Promise<Actor> {
    const row = await this.lookUp(key);
    if (!row || !this.works(row)) throw new UnauthorizedError('The API key is not valid.', 'invalid_api_key');
    const state = await this.revocations.inspect({ sub: row.partner_id, tenantId: row.tenant_id, iat: this.clock.now().getTime() / 1000 });
    if (state.revoked) throw new UnauthorizedError('The API key is not valid.', 'invalid_api_key');
    this.lastUsed.set(row.id, this.clock.now());
    return {
      type: 'partner',
      id: row.partner_id,
      email: null,
      role: null,
      tenantId: row.tenant_id,
      impersonatorId: null,
      sessionId: null,
      familyId: null,
      tenantSuspended: state.tenantSuspended,
      tenantSuspendedByStaff: state.tenantSuspendedByStaff,
      moduleEntitlements: state.moduleEntitlements,
      clientId: row.id,
      scopes: row.scopes,
    };
  }

  /**
   * RFC 7662 introspection of a key a product-module service was given: `{ active: false }` for
   * anything that would not authenticate (unknown, revoked, expired, inactive partner, deleted
   * tenant), else its scopes, ids and times.
   */
  async introspect(key: string): Promise<OAuthIntrospectionDto> {
    const row = await this.lookUp(key);
    if (!row || !this.works(row)) return { active: false };
    const tenant = await this.directory.findById(row.tenant_id);
    if (!tenant || tenant.status === 'deleted') return { active: false };
    return {
      active: true,
      scope: row.scopes.join(' '),
      client_id: row.id,
      token_type: 'api_key',
      ...(row.expires_at ? { exp: Math.floor(row.expires_at.getTime() / 1000) } : {}),
      iat: Math.floor(row.created_at.getTime() / 1000),
      sub: row.partner_id,
      tenant: { id: tenant.id, slug: tenant.slug },
      partner: { id: row.partner_id, name: row.partner_name },
    };
  }

  /** Writes the pending last-use times in one statement. */
  async flushLastUsed(): Promise<void> {
    if (!this.lastUsed.size) return;
    const entries = [...this.lastUsed];
    this.lastUsed.clear();
    try {
      await this.txHost.tx.query(
        `UPDATE partner_api_keys k SET last_used_at = GREATEST(COALESCE(k.last_used_at, u.at), u.at)
           FROM unnest($1::uuid[], $2::timestamptz[]) AS u(id, at) WHERE k.id = u.id`,
        [entries.map(([id]) => id), entries.map(([, at]) => at)],
      );
    } catch (err) {
      // Put them back: the next flush tries again (a lost last-use time is not worth an error).
      for (const [id, at] of entries) if (!this.lastUsed.has(id)) this.lastUsed.set(id, at);
      this.logger.warn(`could not write API key last use: ${(err as Error).message}`);
    }
  }

  private works(row: KeyRow): boolean {
    return row.status === 'active' && row.partner_status === 'active' && (row.expires_at === null || row.expires_at.getTime() > this.clock.now().getTime());
  }

  /** The key's row with its partner, when the key is well formed and its digest matches. */
  private async lookUp(key: string): Promise<KeyRow | null> {
    const parsed = parseApiKey(key);
    if (!parsed) return null;
    // The tenant is not known before the key is found: the prefix (unique) finds it.
    const rows: KeyRow[] = await this.txHost.tx.query(
      `SELECT k.id, k.tenant_id, k.partner_id, k.key_hash, k.scopes, k.expires_at, k.status, k.created_at, p.status AS partner_status, p.name AS partner_name
         FROM partner_api_keys k JOIN partners p ON p.id = k.partner_id AND p.tenant_id = k.tenant_id
        WHERE k.prefix = $1`,
      [parsed.prefix],
    );
    const row = rows[0];
    if (!row) return null;
    const a = Buffer.from(hashApiKey(key), 'hex');
    const b = Buffer.from(row.key_hash, 'hex');
    return a.length === b.length && timingSafeEqual(a, b) ? row : null;
  }

  private async insertKey(tenantId: string, partnerId: string, name: string, scopes: PartnerScope[], expiresAt: Date | null): Promise<{ row: PartnerApiKey; key: string }> {
    const prefix = `${API_KEY_PREFIX}${base62(12)}`;
    const key = `${prefix}_${base62(32)}`;
    const row = await this.keys(tenantId).insertOne({ partnerId, name, prefix, keyHash: hashApiKey(key), scopes, expiresAt, createdBy: this.context.actor.id });
    return { row, key };
  }

  private async findKey(tenantId: string, partnerId: string, keyId: string, lock = false): Promise<PartnerApiKey> {
    await this.partners.find(tenantId, partnerId);
    const qb = this.keys(tenantId).queryBuilder('k').andWhere('k.id = :keyId AND k.partner_id = :partnerId', { keyId, partnerId });
    if (lock) qb.setLock('pessimistic_write');
    const key = await qb.getOne();
    if (!key) throw new NotFoundError('Api key', keyId);
    return key;
  }

  /** The row with a last use not written yet. */
  private withPendingUse(k: PartnerApiKey): PartnerApiKey {
    const pending = this.lastUsed.get(k.id);
    return pending && (!k.lastUsedAt || pending > k.lastUsedAt) ? { ...k, lastUsedAt: pending } : k;
  }
}

/** The API shape of a key at `now` (never its digest). */
export function toApiKeyDto(k: PartnerApiKey, now: Date): ApiKeyDto {
  const status = k.status === 'revoked' ? 'revoked' : k.expiresAt && k.expiresAt.getTime() <= now.getTime() ? 'expired' : 'active';
  return {
    id: k.id,
    partnerId: k.partnerId,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes as PartnerScope[],
    status,
    expiresAt: k.expiresAt?.toISOString() ?? null,
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    replacedBy: k.replacedBy,
    revokedAt: k.revokedAt?.toISOString() ?? null,
    createdAt: k.createdAt.toISOString(),
  };
}
