import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { TenantOwned } from '../../../database/tenant-scoped.repository';

/**
 * What a super-admin alert rule watches: `trial_expiring` (a trial ends within `days`),
 * `payment_failed`, `usage_over_limit` (a metric at or above `percent` % of its limit),
 * `tenant_inactive` (no sign-in for `days`), `webhook_failing` (an endpoint disabled by failures
 * or with its breaker open), `error_rate_spike` (the API's 5xx share over the last `windowMinutes`
 * above `percent` %, measured by the service itself; platform-wide, no tenant), `tenant_at_risk` (the
 * tenant's latest health score below `score`; follows `tenant.risk_changed` and the daily snapshots).
 */
export const ALERT_TYPES = ['trial_expiring', 'payment_failed', 'usage_over_limit', 'tenant_inactive', 'webhook_failing', 'error_rate_spike', 'tenant_at_risk'] as const;
export type AlertType = (typeof ALERT_TYPES)[number];
export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];
export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** Which tenants a rule covers: all, those on a plan, or those with a tag. */
export interface AlertScope {
  kind: 'all' | 'plan' | 'tag';
  value?: string;
}

/** A super-admin alert rule (platform-wide: no tenant). */
@Entity({ name: 'alert_rules' })
export class AlertRule {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text' }) type: AlertType;
  /** `days` for trial_expiring and tenant_inactive, `percent` for usage_over_limit and error_rate_spike. */
  @Column({ type: 'int', nullable: true }) threshold: number | null;
  /** error_rate_spike: the window the rate is measured over, minutes. */
  @Column({ type: 'int', nullable: true }) windowMinutes: number | null;
  @Column({ type: 'text', default: 'warning' }) severity: AlertSeverity;
  @Column({ type: 'jsonb', default: () => `'{"kind": "all"}'` }) scope: AlertScope;
  /** Staff roles told of its alerts (staff notifications). */
  @Column({ type: 'text', array: true, default: () => `'{owner,admin}'` }) recipientRoles: string[];
  @Column({ type: 'boolean', default: true }) isActive: boolean;
  @Column({ type: 'uuid', nullable: true }) createdBy: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}

/** The tenant key of a platform-wide alert (error_rate_spike), so one is open at a time per rule. */
export const PLATFORM_ALERT_KEY = '00000000-0000-0000-0000-000000000000';

/** One alert: at most one not resolved per (rule, tenant — or per rule, platform-wide); re-firing counts on it. */
@TenantOwned()
@Entity({ name: 'alerts' })
@Index('ux_alerts_rule_tenant_unresolved', ['ruleId', 'tenantKey'], { unique: true, where: `status <> 'resolved'` })
@Index('ix_alerts_status_last_seen', ['status', 'lastSeenAt'])
export class Alert {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) ruleId: string;
  @ManyToOne(() => AlertRule, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'rule_id' }) rule?: AlertRule;
  /** Null: a platform-wide alert (error_rate_spike). */
  @Column({ type: 'uuid', nullable: true }) tenantId: string | null;
  /** tenantId, or {@link PLATFORM_ALERT_KEY} for a platform-wide alert (the uniqueness key). */
  @Column({ type: 'uuid', generatedType: 'STORED', asExpression: `coalesce(tenant_id, '${'00000000-0000-0000-0000-000000000000'}'::uuid)`, insert: false, update: false })
  tenantKey: string;
  @Column({ type: 'text' }) type: AlertType;
  @Column({ type: 'text' }) severity: AlertSeverity;
  @Column({ type: 'text', default: 'open' }) status: AlertStatus;
  @Column({ type: 'text' }) title: string;
  @Column({ type: 'text' }) detail: string;
  /** How many times the condition fired while this alert was not resolved. */
  @Column({ type: 'int', default: 1 }) count: number;
  @Column({ type: 'timestamptz' }) firstSeenAt: Date;
  @Column({ type: 'timestamptz' }) lastSeenAt: Date;
  @Column({ type: 'uuid', nullable: true }) acknowledgedBy: string | null;
  @Column({ type: 'timestamptz', nullable: true }) acknowledgedAt: Date | null;
  @Column({ type: 'text', nullable: true }) acknowledgeNote: string | null;
  @Column({ type: 'timestamptz', nullable: true }) resolvedAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
