import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { RequestContext } from '../../common/context/request-context';
import { NotFoundError, ValidationError } from '../../common/errors';
import { EnvelopeOf, OnEvent } from '../../common/events';
import { Page, PageQueryDto, toPage } from '../../common/http';
import { TenantScopedRepository } from '../../database/tenant-scoped.repository';
import type { JsonObject } from '../../database/json';
import { TenantCreatedEvent } from '../tenants/events';
import { validateConditions } from './conditions';
import { NotificationRule } from './entities/notification-rule.entity';
import { CreateNotificationRuleDto, NotificationRuleDto, UpdateNotificationRuleDto } from './notifications.dto';
import { DEFAULT_RULES } from './notification-types';

/**
 * A tenant's notification rules ("based on events defined"): CRUD by its admins, conditions
 * validated when saved (400 naming `conditions.<path>`), and the defaults every new tenant starts
 * with (admins notified of trial ending, payment failed, payment overdue, impersonation started,
 * new users).
 */
@Injectable()
export class NotificationRulesService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly context: RequestContext,
  ) {}

  private rules(tenantId: string) {
    return new TenantScopedRepository(this.txHost.tx, NotificationRule, tenantId);
  }

  /** The tenant's rules, oldest first. */
  async list(tenantId: string, query: PageQueryDto): Promise<Page<NotificationRuleDto>> {
    const [rows, total] = await this.rules(tenantId).findAndCount({ order: { createdAt: 'ASC', id: 'ASC' }, take: query.limit, skip: query.offset });
    return toPage(rows.map(toRuleDto), total, query);
  }

  /** One rule. @throws NotFoundError `notification_rule_not_found` */
  async get(tenantId: string, id: string): Promise<NotificationRuleDto> {
    return toRuleDto(await this.find(tenantId, id));
  }

  /** Creates a rule (defaults: conditions {}, recipients admins, in-app, active). @throws ValidationError naming the condition */
  async create(tenantId: string, dto: CreateNotificationRuleDto): Promise<NotificationRuleDto> {
    const conditions = dto.conditions ?? {};
    assertConditions(conditions);
    const rule = await this.rules(tenantId).insertOne({
      name: dto.name,
      eventType: dto.eventType,
      conditions: conditions as JsonObject,
      recipientRoles: dto.recipientRoles ?? (dto.recipientUserIds?.length ? [] : ['admin']),
      recipientUserIds: dto.recipientUserIds ?? [],
      channel: dto.channel ?? 'in_app',
      isActive: dto.isActive ?? true,
    });
    const out = toRuleDto(rule);
    this.context.noteAudit({ resourceId: rule.id, tenantId, after: out });
    return out;
  }

  /** Changes a rule. @throws NotFoundError | ValidationError */
  async update(tenantId: string, id: string, dto: UpdateNotificationRuleDto): Promise<NotificationRuleDto> {
    const before = await this.find(tenantId, id);
    if (dto.conditions !== undefined) assertConditions(dto.conditions);
    await this.rules(tenantId).update(
      { id },
      { name: dto.name, conditions: dto.conditions as JsonObject | undefined, recipientRoles: dto.recipientRoles, recipientUserIds: dto.recipientUserIds, channel: dto.channel, isActive: dto.isActive },
    );
    const after = toRuleDto(await this.find(tenantId, id));
    this.context.noteAudit({ resourceId: id, tenantId, before: toRuleDto(before), after });
    return after;
  }

  /** Deletes a rule. @throws NotFoundError */
  async remove(tenantId: string, id: string): Promise<void> {
    const before = await this.find(tenantId, id);
    await this.rules(tenantId).delete({ id });
    this.context.noteAudit({ resourceId: id, tenantId, before: toRuleDto(before) });
  }

  /** A new tenant gets the default rules. Consumer `notifications.default-rules`. */
  @OnEvent(TenantCreatedEvent, 'notifications.default-rules')
  async onTenantCreated(event: EnvelopeOf<typeof TenantCreatedEvent>): Promise<void> {
    if (!event.tenantId) return;
    await this.rules(event.tenantId).insert(DEFAULT_RULES.map((r) => ({ name: r.name, eventType: r.eventType, conditions: (r.conditions ?? {}) as JsonObject, recipientRoles: ['admin'], recipientUserIds: [], channel: 'in_app' as const, isActive: true, isDefault: true })));
  }

  private async find(tenantId: string, id: string): Promise<NotificationRule> {
    const rule = await this.rules(tenantId).findOne({ id });
    if (!rule) throw new NotFoundError('Notification rule', id);
    return rule;
  }
}

function assertConditions(conditions: unknown): void {
  const errors = validateConditions(conditions);
  if (errors.length) throw new ValidationError(errors);
}

function toRuleDto(r: NotificationRule): NotificationRuleDto {
  return {
    id: r.id,
    name: r.name,
    eventType: r.eventType,
    conditions: r.conditions,
    recipientRoles: r.recipientRoles,
    recipientUserIds: r.recipientUserIds,
    channel: r.channel,
    isActive: r.isActive,
    isDefault: r.isDefault,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}
