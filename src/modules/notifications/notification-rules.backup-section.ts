import { Injectable, OnModuleInit } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { IsBoolean, IsUUID } from 'class-validator';
import { BackupSection, BackupSections, fieldChanges, pagesById, RestoreOutcome } from '../../common/backups';
import { ValidationError } from '../../common/errors';
import type { JsonObject } from '../../database/json';
import { TenantScopedRepository } from '../../database/tenant-scoped.repository';
import { validateConditions } from './conditions';
import { NotificationRule } from './entities/notification-rule.entity';
import { NotificationRulesService } from './notification-rules.service';
import { CreateNotificationRuleDto } from './notifications.dto';

/** One notification rule of a backup archive (schema version 2): the create body's fields, with its id and default flag. */
export class BackupNotificationRuleRecord extends CreateNotificationRuleDto {
  @IsUUID('all') id: string;
  @IsBoolean() isDefault: boolean;
}

const FIELDS = ['name', 'conditions', 'recipientRoles', 'recipientUserIds', 'channel', 'isActive'] as const;

/**
 * The `notificationRules` section of a tenant backup (notifications). Export: every rule of the
 * tenant. Restore: a rule that still exists gets its name, conditions, recipients, channel and
 * active flag back (NotificationRulesService, conditions validated as on the routes; its event
 * type never changes); a missing one is created again with its id. Rules made after the backup stay.
 */
@Injectable()
export class NotificationRulesBackupSection implements BackupSection, OnModuleInit {
  readonly name = 'notificationRules';
  readonly order = 50;
  readonly recordType = BackupNotificationRuleRecord;

  constructor(
    private readonly sections: BackupSections,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly rules: NotificationRulesService,
  ) {}

  onModuleInit(): void {
    this.sections.register(this);
  }

  private repo(tenantId: string) {
    return new TenantScopedRepository(this.txHost.tx, NotificationRule, tenantId);
  }

  async *export(tenantId: string): AsyncIterable<JsonObject> {
    const rows = pagesById<NotificationRule>((after, limit) => {
      const qb = this.repo(tenantId).queryBuilder('r').orderBy('r.id', 'ASC').take(limit);
      if (after) qb.andWhere('r.id > :after', { after });
      return qb.getMany();
    });
    for await (const r of rows) {
      yield { id: r.id, name: r.name, eventType: r.eventType, conditions: r.conditions, recipientRoles: r.recipientRoles, recipientUserIds: r.recipientUserIds, channel: r.channel, isActive: r.isActive, isDefault: r.isDefault };
    }
  }

  async restore(tenantId: string, records: object[]): Promise<RestoreOutcome[]> {
    const out: RestoreOutcome[] = [];
    for (const r of records as BackupNotificationRuleRecord[]) {
      const wanted = { name: r.name, conditions: r.conditions ?? {}, recipientRoles: r.recipientRoles ?? [], recipientUserIds: r.recipientUserIds ?? [], channel: r.channel ?? 'in_app', isActive: r.isActive ?? true };
      const current = await this.repo(tenantId).findOne({ id: r.id });
      if (!current) {
        const errors = validateConditions(wanted.conditions);
        if (errors.length) throw new ValidationError(errors);
        await this.repo(tenantId).insertOne({ id: r.id, eventType: r.eventType, isDefault: r.isDefault, ...wanted, conditions: wanted.conditions as JsonObject });
        out.push({ key: r.id, action: 'create', resourceType: 'notification_rule', changes: { name: r.name, eventType: r.eventType } });
        continue;
      }
      const changes = fieldChanges(current as unknown as Record<string, unknown>, wanted, FIELDS);
      const note = current.eventType !== r.eventType ? `its event type stays ${current.eventType}` : undefined;
      if (!Object.keys(changes).length) {
        out.push({ key: r.id, action: 'unchanged', resourceType: 'notification_rule', ...(note ? { note } : {}) });
        continue;
      }
      await this.rules.update(tenantId, r.id, wanted);
      out.push({ key: r.id, action: 'update', resourceType: 'notification_rule', changes, ...(note ? { note } : {}) });
    }
    return out;
  }
}
