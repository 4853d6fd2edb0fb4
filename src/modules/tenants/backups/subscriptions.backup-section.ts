import { Injectable, OnModuleInit } from '@nestjs/common';
import { BackupSection, BackupSections, RestoreOutcome } from '../../../common/backups';
import type { JsonObject } from '../../../database/json';
import { SubscriptionsService } from '../../billing';

/** A subscription fact of a backup: any JSON object (never restored, so never validated further). */
export class BackupSubscriptionRecord {}

/**
 * The `subscriptions` section of a tenant backup: the tenant's plan and module subscriptions as
 * read-only facts (what GET /tenant/subscription shows). A restore never changes
 * billing: it reports these records as skipped.
 */
@Injectable()
export class SubscriptionsBackupSection implements BackupSection, OnModuleInit {
  readonly name = 'subscriptions';
  readonly order = 90;
  readonly readOnly = true;
  readonly recordType = BackupSubscriptionRecord;

  constructor(
    private readonly sections: BackupSections,
    private readonly subscriptions: SubscriptionsService,
  ) {}

  onModuleInit(): void {
    this.sections.register(this);
  }

  async *export(tenantId: string): AsyncIterable<JsonObject> {
    const view = await this.subscriptions.viewForTenant(tenantId).catch(() => null);
    if (view) yield JSON.parse(JSON.stringify(view)) as JsonObject;
  }

  restore(_tenantId: string, records: object[]): Promise<RestoreOutcome[]> {
    return Promise.resolve(records.map((r, i) => ({ key: String((r as { id?: unknown }).id ?? i), action: 'skipped' as const, resourceType: 'subscription', note: 'subscriptions are read-only facts; a restore never changes billing' })));
  }
}
