import { Injectable, OnModuleInit } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { BackupSection, BackupSections, fieldChanges, pagesById, RestoreOptions, RestoreOutcome } from '../../../common/backups';
import { ValidationError } from '../../../common/errors';
import type { JsonObject } from '../../../database/json';
import { TenantScopedRepository } from '../../../database/tenant-scoped.repository';
import { StoredWebhookHeader, WEBHOOK_ORDERINGS, WebhookEndpoint, WebhookOrdering } from './webhook-endpoint.entity';
import { WebhookEndpointsService } from './webhook-endpoints.service';
import { WebhookSecrets } from './webhook-secrets';

/** A custom header of an endpoint in a backup: a plain value, or for a secret one its sealed value (full archive) or nothing. */
export class BackupWebhookHeaderRecord {
  @IsString() @Matches(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/) name: string;
  @IsBoolean() secret: boolean;
  @IsOptional() @IsString() @MaxLength(4000) value: string | null;
}

/** One webhook endpoint of a backup archive (schema version 2). */
export class BackupWebhookEndpointRecord {
  @IsUUID('all') id: string;
  @IsString() @MaxLength(2000) url: string;
  @IsOptional() @IsString() @MaxLength(500) description: string | null;
  @IsOptional() @IsUUID('all') partnerId: string | null;
  @IsArray() @IsString({ each: true }) @ArrayMinSize(1) @ArrayMaxSize(50) eventTypes: string[];
  @IsBoolean() isActive: boolean;
  @IsArray() @ArrayMaxSize(10) @ValidateNested({ each: true }) @Type(() => BackupWebhookHeaderRecord) headers: BackupWebhookHeaderRecord[];
  @IsOptional() @IsString() payloadTemplate: string | null;
  @IsOptional() @IsInt() @Min(1) @Max(1000) rateLimitPerSecond: number | null;
  @IsIn(WEBHOOK_ORDERINGS) ordering: WebhookOrdering;
  /** Only in a full archive: the sealed `whsec_` signing secret as stored. */
  @IsOptional() @IsString() @MaxLength(4000) secret?: string;
}

const CONFIG_FIELDS = ['url', 'description', 'partnerId', 'eventTypes', 'isActive', 'payloadTemplate', 'rateLimitPerSecond', 'ordering'] as const;

/**
 * The `webhookEndpoints` section of a tenant backup (integrations). Export: each of the tenant's
 * endpoints with its configuration and plain custom headers; a secret header is named without its
 * value, and the signing secret is left out — except in a full archive, which carries both sealed
 * as stored (AES-256-GCM under this installation's key: useless anywhere else). Restore, through
 * WebhookEndpointsService (URL, event types, partner and payload definition validated as on the
 * routes): an endpoint that still exists gets its configuration back, keeping its current secret
 * and custom headers; a missing one is created again with its id and a new signing secret (fetch
 * it by rotating; receivers must be told) and without its secret headers — from a full archive it
 * keeps its old secret and secret headers, so receivers notice nothing.
 */
@Injectable()
export class WebhookEndpointsBackupSection implements BackupSection, OnModuleInit {
  readonly name = 'webhookEndpoints';
  readonly order = 40;
  readonly recordType = BackupWebhookEndpointRecord;

  constructor(
    private readonly sections: BackupSections,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly endpoints: WebhookEndpointsService,
    private readonly secrets: WebhookSecrets,
  ) {}

  onModuleInit(): void {
    this.sections.register(this);
  }

  private repo(tenantId: string) {
    return new TenantScopedRepository(this.txHost.tx, WebhookEndpoint, tenantId);
  }

  async *export(tenantId: string, opts: { includeCredentials: boolean }): AsyncIterable<JsonObject> {
    const rows = pagesById<WebhookEndpoint>((after, limit) => {
      const qb = this.repo(tenantId).queryBuilder('e').orderBy('e.id', 'ASC').take(limit);
      if (after) qb.andWhere('e.id > :after', { after });
      return qb.getMany();
    }, 200);
    for await (const e of rows) {
      yield {
        id: e.id,
        url: e.url,
        description: e.description,
        partnerId: e.partnerId,
        eventTypes: e.eventTypes,
        isActive: e.enabled,
        headers: e.headers.map((h) => ({ name: h.name, secret: h.secret, value: !h.secret || opts.includeCredentials ? h.value : null })),
        payloadTemplate: e.payloadTemplate,
        rateLimitPerSecond: e.rateLimitPerSecond,
        ordering: e.ordering,
        ...(opts.includeCredentials ? { secret: e.secret } : {}),
      };
    }
  }

  async restore(tenantId: string, records: object[], opts: RestoreOptions): Promise<RestoreOutcome[]> {
    const out: RestoreOutcome[] = [];
    for (const r of records as BackupWebhookEndpointRecord[]) {
      const current = await this.repo(tenantId).findOne({ id: r.id });
      const config = { url: r.url, description: r.description ?? null, partnerId: r.partnerId ?? null, eventTypes: r.eventTypes, isActive: r.isActive, payloadTemplate: r.payloadTemplate ?? null, rateLimitPerSecond: r.rateLimitPerSecond ?? null, ordering: r.ordering };
      if (current) {
        const currentConfig = { ...current, isActive: current.enabled } as unknown as Record<string, unknown>;
        const changes = fieldChanges(currentConfig, config, CONFIG_FIELDS);
        if (!Object.keys(changes).length) {
          out.push({ key: r.id, action: 'unchanged', resourceType: 'webhook_endpoint' });
          continue;
        }
        await this.endpoints.update(tenantId, r.id, Object.fromEntries(Object.keys(changes).map((f) => [f, config[f as keyof typeof config]])));
        out.push({ key: r.id, action: 'update', resourceType: 'webhook_endpoint', changes });
        continue;
      }
      const plainHeaders = r.headers.filter((h) => !h.secret && h.value !== null).map((h) => ({ name: h.name, value: h.value!, secret: false }));
      const created = await this.endpoints.create(tenantId, { ...config, headers: plainHeaders });
      const patch: Partial<WebhookEndpoint> = {};
      let note = 'created with a new signing secret (rotate it to read it) and without its secret headers: set them again';
      if (opts.includesCredentials && r.secret) {
        patch.secret = this.checkedSealed(r.secret, 'secret');
        patch.headers = r.headers.map((h, i): StoredWebhookHeader => ({ name: h.name, secret: h.secret, value: h.secret ? this.checkedSealed(h.value ?? '', `headers[${i}].value`) : h.value! }));
        note = 'created with its signing secret and custom headers from the archive';
      }
      // The endpoint keeps its id, so the archive's references to it (and the receivers' logs) still match.
      await this.repo(tenantId).update({ id: created.id }, { id: r.id, ...patch });
      out.push({ key: r.id, action: 'create', resourceType: 'webhook_endpoint', changes: { url: r.url, eventTypes: r.eventTypes, isActive: r.isActive }, note });
    }
    return out;
  }

  /** A sealed value of a full archive, checked to open under this installation's key. @throws ValidationError naming the field */
  private checkedSealed(sealed: string, field: string): string {
    try {
      this.secrets.open(sealed);
      return sealed;
    } catch {
      throw new ValidationError([{ field, message: `${field} was not sealed by this installation; restore it here from an archive made here` }]);
    }
  }
}
