import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bull';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { RequestContext } from '../../../common/context/request-context';
import { NotFoundError, ValidationError } from '../../../common/errors';
import { EventBus, UnitOfWork } from '../../../common/events';
import { Page, toPage } from '../../../common/http';
import { Clock } from '../../../common/time';
import { AlertOpenedEvent, AlertResolvedEvent } from '../events';
import { Alert, AlertRule, AlertType, PLATFORM_ALERT_KEY } from './alert.entity';
import { AlertDto, AlertListQueryDto, AlertRuleDto, AlertRuleInputDto } from './alerts.dto';
import { ALERTS_QUEUE, EVALUATE_RULE_JOB } from './alerts-queue';

/** Types whose rule needs a threshold, and what it means. */
const THRESHOLD_OF: Partial<Record<AlertType, string>> = { trial_expiring: 'days before the trial end', tenant_inactive: 'days without a sign-in', usage_over_limit: 'percent of the limit', error_rate_spike: 'percent of responses that are 5xx', tenant_at_risk: 'health score below which a tenant is at risk' };
/** Default window of an error_rate_spike rule, minutes. */
export const DEFAULT_ERROR_WINDOW_MINUTES = 5;

/** What fired: the tenant (null: platform-wide) and the words of the alert. */
export interface AlertFiring {
  tenantId: string | null;
  title: string;
  detail: string;
}

/**
 * Super-admin alerts: rules (CRUD), alerts (one not resolved per rule and tenant — a re-fire
 * counts on it), acknowledgement (who, when, a note; audited), and resolution when the condition
 * clears. Opening and resolving publish `alert.opened` / `alert.resolved` (staff notifications,
 * platform webhooks). Runs in the caller's unit of work.
 */
@Injectable()
export class AlertsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly events: EventBus,
    private readonly context: RequestContext,
    private readonly clock: Clock,
    private readonly uow: UnitOfWork,
    @InjectQueue(ALERTS_QUEUE) private readonly queue: Queue,
  ) {}

  /** Evaluates the rule right after the change commits, instead of at the next five-minute pass. */
  private async evaluateSoon(ruleId: string): Promise<void> {
    await this.uow.afterCommit(async () => {
      await this.queue.add(EVALUATE_RULE_JOB, { ruleId }, { removeOnComplete: true, removeOnFail: 100 });
    });
  }

  private rules() {
    return this.txHost.tx.getRepository(AlertRule);
  }

  /** @throws ValidationError `threshold` when the type needs one */
  async createRule(dto: AlertRuleInputDto): Promise<AlertRuleDto> {
    const rule = await this.rules().save(this.rules().create({ ...this.fields(dto), createdBy: this.context.actor.id }));
    const out = toRuleDto(rule);
    this.context.noteAudit({ resourceId: rule.id, after: out });
    await this.evaluateSoon(rule.id);
    return out;
  }

  async listRules(query: { limit: number; offset: number }): Promise<Page<AlertRuleDto>> {
    const [rows, total] = await this.rules().findAndCount({ order: { createdAt: 'DESC', id: 'DESC' }, take: query.limit, skip: query.offset });
    return toPage(rows.map(toRuleDto), total, query);
  }

  /** @throws NotFoundError `alert_rule_not_found` */
  async getRule(id: string): Promise<AlertRuleDto> {
    return toRuleDto(await this.findRule(id));
  }

  /** Replaces every field. @throws NotFoundError, ValidationError */
  async updateRule(id: string, dto: AlertRuleInputDto): Promise<AlertRuleDto> {
    const before = toRuleDto(await this.findRule(id));
    await this.rules().update({ id }, this.fields(dto));
    const after = toRuleDto(await this.findRule(id));
    this.context.noteAudit({ resourceId: id, before, after });
    await this.evaluateSoon(id);
    return after;
  }

  /** Deletes the rule and its alerts. @throws NotFoundError */
  async deleteRule(id: string): Promise<void> {
    const before = toRuleDto(await this.findRule(id));
    await this.rules().delete({ id });
    this.context.noteAudit({ resourceId: id, before });
  }

  /** Alerts, newest activity first. */
  async list(query: AlertListQueryDto): Promise<Page<AlertDto>> {
    const where = { ...(query.status ? { status: query.status } : {}), ...(query.type ? { type: query.type } : {}), ...(query.severity ? { severity: query.severity } : {}), ...(query.tenantId ? { tenantId: query.tenantId } : {}) };
    const [rows, total] = await this.txHost.tx.getRepository(Alert).findAndCount({ where, order: { lastSeenAt: 'DESC', id: 'DESC' }, take: query.limit, skip: query.offset });
    return toPage(rows.map(toAlertDto), total, query);
  }

  /** Marks an open alert acknowledged (who, when, note); idempotent on an acknowledged one. @throws NotFoundError; ValidationError when it is resolved */
  async acknowledge(alertId: string, note: string | undefined): Promise<AlertDto> {
    const repo = this.txHost.tx.getRepository(Alert);
    const alert = await repo.findOne({ where: { id: alertId }, lock: { mode: 'pessimistic_write' } });
    if (!alert) throw new NotFoundError('Alert', alertId);
    if (alert.status === 'resolved') throw new ValidationError([{ field: 'alertId', message: 'the alert is resolved already; there is nothing to acknowledge' }]);
    if (alert.status === 'open') await repo.update({ id: alertId }, { status: 'acknowledged', acknowledgedBy: this.context.actor.id, acknowledgedAt: this.clock.now(), acknowledgeNote: note ?? null });
    const after = toAlertDto((await repo.findOneBy({ id: alertId }))!);
    this.context.noteAudit({ tenantId: alert.tenantId ?? undefined, resourceId: alertId, before: { status: alert.status }, after: { status: after.status, note: after.acknowledgeNote } });
    return after;
  }

  /** Active rules of `type` that cover `tenantId` (scope: all, its plan, or one of its tags). */
  async rulesFor(type: AlertType, tenantId: string): Promise<AlertRule[]> {
    return this.txHost.tx.query(
      `SELECT r.id, r.name, r.type, r.threshold, r.severity, r.scope, r.recipient_roles AS "recipientRoles"
         FROM alert_rules r, tenants t LEFT JOIN tenant_quotas q ON q.tenant_id = t.id LEFT JOIN plans p ON p.id = q.plan_id
        WHERE r.type = $1 AND r.is_active AND t.id = $2 AND t.deleted_at IS NULL
          AND (r.scope->>'kind' = 'all' OR (r.scope->>'kind' = 'plan' AND p.code = r.scope->>'value') OR (r.scope->>'kind' = 'tag' AND (r.scope->>'value') = ANY(t.tags)))`,
      [type, tenantId],
    );
  }

  /** Active rules of `type` (time-based evaluation). */
  async activeRules(type: AlertType): Promise<AlertRule[]> {
    return this.rules().find({ where: { type, isActive: true } });
  }

  /** SQL condition (over `t` tenants, `p` plans) of a rule's scope, with its parameter. */
  scopeSql(rule: AlertRule, param: number): { sql: string; params: unknown[] } {
    if (rule.scope.kind === 'plan') return { sql: `p.code = $${param}`, params: [rule.scope.value ?? ''] };
    if (rule.scope.kind === 'tag') return { sql: `$${param} = ANY(t.tags)`, params: [rule.scope.value ?? ''] };
    return { sql: `true`, params: [] };
  }

  /**
   * Opens the rule's alert for the tenant, or — when one is not resolved — counts the re-fire on
   * it (`refire`; a time-based evaluation that finds the condition still true only moves
   * lastSeenAt). Publishes `alert.opened` when it opens.
   */
  async fire(rule: AlertRule, f: AlertFiring, refire = true): Promise<void> {
    const now = this.clock.now();
    const [row]: { id: string; opened: boolean }[] = await this.txHost.tx.query(
      `INSERT INTO alerts (rule_id, tenant_id, type, severity, title, detail, first_seen_at, last_seen_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
       ON CONFLICT (rule_id, tenant_key) WHERE status <> 'resolved'
       DO UPDATE SET count = alerts.count + (CASE WHEN $8 THEN 1 ELSE 0 END), last_seen_at = EXCLUDED.last_seen_at, detail = EXCLUDED.detail, updated_at = now()
       RETURNING id, (xmax = 0) AS opened`,
      [rule.id, f.tenantId, rule.type, rule.severity, f.title, f.detail, now, refire],
    );
    if (row?.opened) {
      await this.events.publish(new AlertOpenedEvent(f.tenantId, { alertId: row.id, ruleId: rule.id, type: rule.type, severity: rule.severity, title: f.title, detail: f.detail, recipientRoles: rule.recipientRoles }));
    }
  }

  /** Resolves the rule's unresolved alerts of these tenants (null: the platform-wide one) — the condition cleared; `alert.resolved` for each. */
  async resolve(ruleId: string, tenantIds: (string | null)[]): Promise<number> {
    if (!tenantIds.length) return 0;
    const keys = tenantIds.map((id) => id ?? PLATFORM_ALERT_KEY);
    const [rows]: [{ id: string; rule_id: string; tenant_id: string | null; type: string; severity: string; title: string; detail: string; resolved_at: Date }[], number] = await this.txHost.tx.query(
      `UPDATE alerts SET status = 'resolved', resolved_at = $3, updated_at = now() WHERE rule_id = $1 AND tenant_key = ANY($2::uuid[]) AND status <> 'resolved'
       RETURNING id, rule_id, tenant_id, type, severity, title, detail, resolved_at`,
      [ruleId, keys, this.clock.now()],
    );
    for (const r of rows) {
      await this.events.publish(new AlertResolvedEvent(r.tenant_id, { alertId: r.id, ruleId: r.rule_id, type: r.type, severity: r.severity, title: r.title, detail: r.detail, resolvedAt: new Date(r.resolved_at).toISOString() }));
    }
    return rows.length;
  }

  /** Tenants with an unresolved alert of the rule (null: its platform-wide alert). */
  async unresolvedTenants(ruleId: string): Promise<(string | null)[]> {
    const rows: { tenant_id: string | null }[] = await this.txHost.tx.query(`SELECT tenant_id FROM alerts WHERE rule_id = $1 AND status <> 'resolved'`, [ruleId]);
    return rows.map((r) => r.tenant_id);
  }

  private fields(dto: AlertRuleInputDto): Partial<AlertRule> {
    const needs = THRESHOLD_OF[dto.type];
    if (needs && (dto.threshold === undefined || dto.threshold === null)) throw new ValidationError([{ field: 'threshold', message: `threshold (${needs}) is required for ${dto.type} rules` }]);
    if (dto.type === 'usage_over_limit' && dto.threshold! > 100) throw new ValidationError([{ field: 'threshold', message: 'threshold is a percent of the limit: at most 100' }]);
    if (dto.scope && dto.scope.kind !== 'all' && !dto.scope.value) throw new ValidationError([{ field: 'scope.value', message: `scope.value (the ${dto.scope.kind}) is required` }]);
    if (dto.type !== 'error_rate_spike' && dto.windowMinutes !== undefined && dto.windowMinutes !== null) throw new ValidationError([{ field: 'windowMinutes', message: 'windowMinutes is for error_rate_spike rules' }]);
    if (dto.type === 'error_rate_spike' && dto.scope && dto.scope.kind !== 'all') throw new ValidationError([{ field: 'scope', message: 'error_rate_spike is platform-wide: its scope is all' }]);
    if (dto.type === 'tenant_at_risk' && dto.threshold! > 100) throw new ValidationError([{ field: 'threshold', message: 'threshold is a health score: at most 100' }]);
    if (dto.type === 'error_rate_spike' && dto.threshold! > 100) throw new ValidationError([{ field: 'threshold', message: 'threshold is a percent of the responses: at most 100' }]);
    return {
      name: dto.name,
      type: dto.type,
      threshold: needs ? dto.threshold! : null,
      windowMinutes: dto.type === 'error_rate_spike' ? (dto.windowMinutes ?? DEFAULT_ERROR_WINDOW_MINUTES) : null,
      severity: dto.severity ?? 'warning',
      scope: dto.scope ? { kind: dto.scope.kind, ...(dto.scope.kind !== 'all' ? { value: dto.scope.value } : {}) } : { kind: 'all' },
      recipientRoles: dto.recipientRoles ?? ['owner', 'admin'],
      isActive: dto.isActive ?? true,
    };
  }

  private async findRule(id: string): Promise<AlertRule> {
    const rule = await this.rules().findOneBy({ id });
    if (!rule) throw new NotFoundError('Alert rule', id);
    return rule;
  }
}

function toRuleDto(r: AlertRule): AlertRuleDto {
  return { id: r.id, name: r.name, type: r.type, threshold: r.threshold, windowMinutes: r.windowMinutes, severity: r.severity, scope: r.scope, recipientRoles: r.recipientRoles, isActive: r.isActive, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString() };
}

function toAlertDto(a: Alert): AlertDto {
  return {
    id: a.id,
    ruleId: a.ruleId,
    tenantId: a.tenantId,
    type: a.type,
    severity: a.severity,
    status: a.status,
    title: a.title,
    detail: a.detail,
    count: a.count,
    firstSeenAt: a.firstSeenAt.toISOString(),
    lastSeenAt: a.lastSeenAt.toISOString(),
    acknowledgedBy: a.acknowledgedBy,
    acknowledgedAt: a.acknowledgedAt?.toISOString() ?? null,
    acknowledgeNote: a.acknowledgeNote,
    resolvedAt: a.resolvedAt?.toISOString() ?? null,
  };
}
