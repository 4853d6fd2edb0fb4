import { Injectable, OnModuleInit } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { BackupSection, BackupSections, fieldChanges, RestoreOutcome } from '../../../common/backups';
import type { JsonObject } from '../../../database/json';
import { UpdateTenantSettingsDto } from '../dto/tenant-self.dto';
import { Tenant } from '../entities/tenant.entity';
import { TenantProfileService } from '../tenant-profile.service';

/** The tenant's settings in a backup: what its admins may change (PATCH /tenant/profile), plus its id and slug as facts. */
export class BackupSettingsRecord extends UpdateTenantSettingsDto {
  @IsUUID('all') id: string;
  @IsOptional() @IsString() @MaxLength(100) slug?: string;
}

const FIELDS = ['name', 'timezone', 'currency', 'locale'] as const;

/**
 * The `settings` section of a tenant backup (tenants): one record with the settings a tenant admin
 * may change — name, time zone, currency, locale. Restore goes through TenantProfileService like
 * the settings route (tenant.updated when something changed). Slug, status, contacts kept by staff
 * and the plan are not the tenant admin's to change and are never restored.
 */
@Injectable()
export class SettingsBackupSection implements BackupSection, OnModuleInit {
  readonly name = 'settings';
  readonly order = 10;
  readonly recordType = BackupSettingsRecord;

  constructor(
    private readonly sections: BackupSections,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly profile: TenantProfileService,
  ) {}

  onModuleInit(): void {
    this.sections.register(this);
  }

  async *export(tenantId: string): AsyncIterable<JsonObject> {
    const t = await this.txHost.tx.getRepository(Tenant).findOneByOrFail({ id: tenantId });
    yield { id: t.id, slug: t.slug, name: t.name, timezone: t.timezone, currency: t.currency, locale: t.locale };
  }

  async restore(tenantId: string, records: object[]): Promise<RestoreOutcome[]> {
    const out: RestoreOutcome[] = [];
    for (const r of records as BackupSettingsRecord[]) {
      const current = await this.txHost.tx.getRepository(Tenant).findOneByOrFail({ id: tenantId });
      const changes = fieldChanges(current as unknown as Record<string, unknown>, r as unknown as Record<string, unknown>, FIELDS);
      if (Object.keys(changes).length) await this.profile.updateSettings(tenantId, { name: r.name, timezone: r.timezone, currency: r.currency, locale: r.locale }, undefined);
      out.push({ key: tenantId, action: Object.keys(changes).length ? 'update' : 'unchanged', resourceType: 'tenant', ...(Object.keys(changes).length ? { changes } : {}) });
    }
    return out;
  }
}
