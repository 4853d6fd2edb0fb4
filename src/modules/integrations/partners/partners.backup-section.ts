import { Injectable, OnModuleInit } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsEmail, IsIn, IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { PARTNER_SCOPES, PartnerScope } from '../../../common/auth';
import { BackupSection, BackupSections, fieldChanges, pagesById, RestoreOptions, RestoreOutcome } from '../../../common/backups';
import { Clock } from '../../../common/time';
import type { JsonObject } from '../../../database/json';
import { TenantScopedRepository } from '../../../database/tenant-scoped.repository';
import { PartnerApiKey } from './partner-api-key.entity';
import { Partner } from './partner.entity';
import { PartnersService } from './partners.service';

/** One API key of a partner in a backup: its metadata; the key's SHA-256 only in a full archive. */
export class BackupApiKeyRecord {
  @IsUUID('all') id: string;
  @IsString() @MinLength(1) @MaxLength(200) name: string;
  @IsString() @Matches(/^[0-9A-Za-z]{12}$/) prefix: string;
  @IsArray() @IsIn(PARTNER_SCOPES, { each: true }) scopes: PartnerScope[];
  @IsIn(['active', 'revoked']) status: 'active' | 'revoked';
  @IsOptional() @IsISO8601() expiresAt: string | null;
  @IsOptional() @IsString() @Matches(/^[0-9a-f]{64}$/, { message: 'keyHash must be a SHA-256 hex digest' }) keyHash?: string;
}

/** One partner of a backup archive (schema version 2), with its keys. */
export class BackupPartnerRecord {
  @IsUUID('all') id: string;
  @IsString() @MinLength(1) @MaxLength(200) name: string;
  @IsOptional() @IsString() @MaxLength(1000) description: string | null;
  @IsOptional() @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value)) @IsEmail() @MaxLength(254) contactEmail: string | null;
  @IsIn(['active', 'inactive']) status: 'active' | 'inactive';
  @IsArray() @ArrayMaxSize(1000) @ValidateNested({ each: true }) @Type(() => BackupApiKeyRecord) apiKeys: BackupApiKeyRecord[];
}

/**
 * The `partners` section of a tenant backup (integrations). Export: each partner with its API
 * keys' metadata (name, prefix, scopes, status, expiry); a key's SHA-256 digest only in a full
 * archive — it is a credential's verifier, never in an ordinary archive. Restore: a partner that
 * still exists gets its name, description, contact and status back (PartnersService); a missing
 * one is created with its id. Keys that still exist are left as they are (a revocation made after
 * the backup is never undone); a missing key comes back only from a full archive (same prefix and
 * digest, so the partner's key works again); from an ordinary archive it is skipped — issue a new key.
 */
@Injectable()
export class PartnersBackupSection implements BackupSection, OnModuleInit {
  readonly name = 'partners';
  readonly order = 30;
  readonly recordType = BackupPartnerRecord;

  constructor(
    private readonly sections: BackupSections,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly partners: PartnersService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.sections.register(this);
  }

  private partnerRepo(tenantId: string) {
    return new TenantScopedRepository(this.txHost.tx, Partner, tenantId);
  }

  private keyRepo(tenantId: string) {
    return new TenantScopedRepository(this.txHost.tx, PartnerApiKey, tenantId);
  }

  async *export(tenantId: string, opts: { includeCredentials: boolean }): AsyncIterable<JsonObject> {
    const rows = pagesById<Partner>((after, limit) => {
      const qb = this.partnerRepo(tenantId).queryBuilder('p').orderBy('p.id', 'ASC').take(limit);
      if (after) qb.andWhere('p.id > :after', { after });
      return qb.getMany();
    }, 200);
    for await (const p of rows) {
      const keys = await this.keyRepo(tenantId).find({ where: { partnerId: p.id }, order: { id: 'ASC' } });
      yield {
        id: p.id,
        name: p.name,
        description: p.description,
        contactEmail: p.contactEmail,
        status: p.status,
        apiKeys: keys.map((k) => ({
          id: k.id,
          name: k.name,
          prefix: k.prefix,
          scopes: k.scopes,
          status: k.status,
          expiresAt: k.expiresAt?.toISOString() ?? null,
          ...(opts.includeCredentials ? { keyHash: k.keyHash } : {}),
        })),
      };
    }
  }

  async restore(tenantId: string, records: object[], opts: RestoreOptions): Promise<RestoreOutcome[]> {
    const out: RestoreOutcome[] = [];
    for (const r of records as BackupPartnerRecord[]) {
      const current = await this.partnerRepo(tenantId).findOne({ id: r.id });
      let outcome: RestoreOutcome;
      if (!current) {
        await this.partnerRepo(tenantId).insertOne({ id: r.id, name: r.name, description: r.description ?? null, contactEmail: r.contactEmail ?? null, status: r.status, deactivatedAt: r.status === 'inactive' ? this.clock.now() : null });
        outcome = { key: r.id, action: 'create', resourceType: 'partner', changes: { name: r.name, status: r.status } };
      } else {
        const changes = fieldChanges(current as unknown as Record<string, unknown>, { ...r, description: r.description ?? null, contactEmail: r.contactEmail ?? null }, ['name', 'description', 'contactEmail', 'status']);
        if (changes.name || changes.description || changes.contactEmail) await this.partners.update(tenantId, r.id, { name: r.name, description: r.description ?? null, contactEmail: r.contactEmail ?? null });
        if (changes.status) await this.partners.setActive(tenantId, r.id, r.status === 'active');
        outcome = Object.keys(changes).length ? { key: r.id, action: 'update', resourceType: 'partner', changes } : { key: r.id, action: 'unchanged', resourceType: 'partner' };
      }
      const notes = await this.restoreKeys(tenantId, r, opts);
      if (notes.restored.length && outcome.action === 'unchanged') outcome = { ...outcome, action: 'update' };
      if (notes.restored.length) outcome.changes = { ...(outcome.changes ?? {}), apiKeysRestored: notes.restored };
      if (notes.skipped.length) outcome.note = `API keys not restored (no key material in this archive; issue new keys): ${notes.skipped.join(', ')}`;
      out.push(outcome);
    }
    return out;
  }

  private async restoreKeys(tenantId: string, r: BackupPartnerRecord, opts: RestoreOptions): Promise<{ restored: string[]; skipped: string[] }> {
    const restored: string[] = [];
    const skipped: string[] = [];
    for (const k of r.apiKeys) {
      if (await this.keyRepo(tenantId).exists({ id: k.id })) continue;
      if (!opts.includesCredentials || !k.keyHash) {
        if (k.status === 'active') skipped.push(k.prefix);
        continue;
      }
      const inserted = await this.keyRepo(tenantId).insertOne(
        { id: k.id, partnerId: r.id, name: k.name, prefix: k.prefix, keyHash: k.keyHash, scopes: k.scopes, status: k.status, expiresAt: k.expiresAt ? new Date(k.expiresAt) : null, revokedAt: k.status === 'revoked' ? this.clock.now() : null },
        { orIgnore: true },
      );
      if (inserted) restored.push(k.prefix);
      else skipped.push(k.prefix);
    }
    return { restored, skipped };
  }
}
