import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { EnvelopeOf, OnEvent, UnitOfWork } from '../../../common/events';
import { Clock } from '../../../common/time';
import { InvoicePaidEvent, PaymentFailedEvent } from '../../billing/events';
import { WebhookEndpointDisabledEvent } from '../../integrations/events';
import { UsageThresholdReachedEvent } from '../../usage/events';
import { TenantRiskChangedEvent } from '../events';
import { AlertRule } from './alert.entity';
import { AlertsService } from './alerts.service';
import { ErrorRateRecorder } from './error-rate';

const DAY_MS = 86_400_000;
/** Fewer responses than this in the window say nothing about a rate. */
export const MIN_REQUESTS_FOR_RATE = 20;
const money = (cents: number, currency: string) => `${(cents / 100).toFixed(2)} ${currency}`;

/**
 * Evaluates super-admin alert rules. Event-driven where an event exists — payment.failed opens
 * `payment_failed` (invoice.paid resolves it), usage.threshold_reached opens `usage_over_limit` at
 * or above the rule's percent, webhook.endpoint_disabled opens `webhook_failing` — and, every five
 * minutes once per cluster, the time-based conditions: trials ending within the rule's days,
 * tenants without a sign-in for its days, the API's own 5xx share (error_rate_spike), tenants whose
 * latest health snapshot is below the rule's score (tenant_at_risk, also on tenant.risk_changed), and whether
 * open usage and webhook alerts still hold (resolving those that cleared).
 */
@Injectable()
export class AlertEvaluator {
  constructor(
    private readonly alerts: AlertsService,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly recorder: ErrorRateRecorder,
  ) {}

  @OnEvent(PaymentFailedEvent, 'notifications.alert-payment-failed')
  async onPaymentFailed(e: EnvelopeOf<typeof PaymentFailedEvent>): Promise<void> {
    if (!e.tenantId) return;
    for (const rule of await this.alerts.rulesFor('payment_failed', e.tenantId)) {
      await this.alerts.fire(rule, {
        tenantId: e.tenantId,
        title: `Payment failed: ${await this.slug(e.tenantId)}`,
        detail: `${money(e.payload.amountCents, e.payload.currency)} for invoice ${e.payload.invoiceNumber ?? e.payload.invoiceId} failed (${e.payload.failureMessage}); attempt ${e.payload.attempt}${e.payload.nextRetryAt ? `, next retry ${e.payload.nextRetryAt.slice(0, 16).replace('T', ' ')} UTC` : ''}.`,
      });
    }
  }

  @OnEvent(InvoicePaidEvent, 'notifications.alert-invoice-paid')
  async onInvoicePaid(e: EnvelopeOf<typeof InvoicePaidEvent>): Promise<void> {
    if (!e.tenantId) return;
    for (const rule of await this.alerts.activeRules('payment_failed')) await this.alerts.resolve(rule.id, [e.tenantId]);
  }

  @OnEvent(UsageThresholdReachedEvent, 'notifications.alert-usage')
  async onUsageThreshold(e: EnvelopeOf<typeof UsageThresholdReachedEvent>): Promise<void> {
    if (!e.tenantId) return;
    for (const rule of await this.alerts.rulesFor('usage_over_limit', e.tenantId)) {
      if (e.payload.threshold < (rule.threshold ?? 100)) continue;
      await this.alerts.fire(rule, {
        tenantId: e.tenantId,
        title: `Usage over ${rule.threshold} %: ${await this.slug(e.tenantId)}`,
        detail: `${e.payload.used} of ${e.payload.limit} ${e.payload.metric} used (${e.payload.threshold} % of the plan's limit).`,
      });
    }
  }

  @OnEvent(TenantRiskChangedEvent, 'notifications.alert-risk-changed')
  async onRiskChanged(e: EnvelopeOf<typeof TenantRiskChangedEvent>): Promise<void> {
    if (!e.tenantId) return;
    for (const rule of await this.alerts.rulesFor('tenant_at_risk', e.tenantId)) {
      if (e.payload.score < (rule.threshold ?? 40)) {
        await this.alerts.fire(rule, { tenantId: e.tenantId, title: `${titleOf(rule)}: ${await this.slug(e.tenantId)}`, detail: `Health score ${e.payload.score} (${e.payload.risk} risk, was ${e.payload.previousScore}, ${e.payload.previousRisk}) on ${e.payload.day}${e.payload.topReason ? `; top reason: ${e.payload.topReason.replace(/\.$/, '')}` : ''}.` });
      } else {
        await this.alerts.resolve(rule.id, [e.tenantId]);
      }
    }
  }

  @OnEvent(WebhookEndpointDisabledEvent, 'notifications.alert-webhook-failing')
  async onEndpointDisabled(e: EnvelopeOf<typeof WebhookEndpointDisabledEvent>): Promise<void> {
    if (!e.tenantId) return;
    for (const rule of await this.alerts.rulesFor('webhook_failing', e.tenantId)) {
      await this.alerts.fire(rule, { tenantId: e.tenantId, title: `Webhook endpoint disabled: ${await this.slug(e.tenantId)}`, detail: `${e.payload.url} was disabled (${e.payload.reason === 'gone' ? '410 Gone' : 'failing for days'}).` });
    }
  }

  /** The time-based pass: each rule in its own unit of work. Returns how many rules were evaluated. */
  async evaluateAll(): Promise<number> {
    const rules: AlertRule[] = await this.uow.run(() => this.txHost.tx.getRepository(AlertRule).find({ where: { isActive: true } }));
    for (const rule of rules) await this.uow.run(() => this.evaluate(rule));
    return rules.length;
  }

  /** Evaluates one rule now (after it was created or changed); false when it is gone or inactive. */
  async evaluateRuleById(ruleId: string): Promise<boolean> {
    const rule = await this.uow.run(() => this.txHost.tx.getRepository(AlertRule).findOne({ where: { id: ruleId, isActive: true } }));
    if (!rule) return false;
    await this.uow.run(() => this.evaluate(rule));
    return true;
  }

  /** Opens what holds now (counting nothing again) and resolves the rule's alerts whose condition cleared. */
  async evaluate(rule: AlertRule): Promise<void> {
    const now = this.clock.now();
    const scope = this.alerts.scopeSql(rule, 2);
    // The live tenants the rule covers (`t`, its quota `q` and plan `p`), with a branch's own joins.
    const inScope = (joins = '', s = scope) =>
      `FROM tenants t LEFT JOIN tenant_quotas q ON q.tenant_id = t.id LEFT JOIN plans p ON p.id = q.plan_id ${joins} WHERE t.deleted_at IS NULL AND ${s.sql}`;
    let holding: { tenant_id: string; slug: string; detail: string }[] = [];
    if (rule.type === 'trial_expiring') {
      holding = await this.txHost.tx.query(
        `SELECT t.id AS tenant_id, t.slug, 'The trial ends ' || to_char(q.trial_ends_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC (' || ceil(extract(epoch FROM q.trial_ends_at - $1) / 86400)::int || ' day(s) left).' AS detail
           ${inScope()} AND q.billing_status = 'trial' AND q.trial_ends_at > $1 AND q.trial_ends_at <= $${2 + scope.params.length}`,
        [now, ...scope.params, new Date(now.getTime() + (rule.threshold ?? 7) * DAY_MS)],
      );
    } else if (rule.type === 'tenant_inactive') {
      const since = new Date(now.getTime() - (rule.threshold ?? 30) * DAY_MS);
      holding = await this.txHost.tx.query(
        `SELECT t.id AS tenant_id, t.slug,
                'No sign-in for ' || $${2 + scope.params.length}::int || ' days' || coalesce(' (last: ' || to_char(l.at AT TIME ZONE 'UTC', 'YYYY-MM-DD') || ')', ' (never signed in)') || '.' AS detail
           ${inScope(`LEFT JOIN LATERAL (SELECT max(a.occurred_at) AS at FROM audit_logs a WHERE a.tenant_id = t.id AND a.action = 'auth.login.tenant' AND a.outcome = 'success') l ON true`)}
            AND t.created_at <= $1 AND (l.at IS NULL OR l.at <= $1)`,
        [since, ...scope.params, rule.threshold ?? 30],
      );
    } else if (rule.type === 'webhook_failing') {
      holding = await this.txHost.tx.query(
        `SELECT t.id AS tenant_id, t.slug, count(*) || ' webhook endpoint(s) failing.' AS detail ${inScope('JOIN webhook_endpoints w ON w.tenant_id = t.id')}
            AND ((NOT w.enabled AND w.disabled_reason IN ('gone', 'failing')) OR w.breaker_open_until > $1 OR w.consecutive_failures >= 5)
          GROUP BY t.id, t.slug`,
        [now, ...scope.params],
      );
    } else if (rule.type === 'usage_over_limit') {
      // Holds while the tenant's current period has a crossing at or above the rule's percent.
      holding = await this.txHost.tx.query(
        `SELECT DISTINCT ON (t.id) t.id AS tenant_id, t.slug, s.metric || ' at ' || s.threshold || ' % of its limit.' AS detail
           ${inScope('JOIN usage_threshold_states s ON s.tenant_id = t.id')} AND s.threshold >= $${2 + scope.params.length}
            AND (s.period_start = DATE '1970-01-01' OR s.period_start = date_trunc('month', $1::timestamptz AT TIME ZONE 'UTC')::date)
          ORDER BY t.id, s.threshold DESC`,
        [now, ...scope.params, rule.threshold ?? 100],
      );
    } else if (rule.type === 'tenant_at_risk') {
      // The latest daily health snapshot of each tenant in scope.
      const own = this.alerts.scopeSql(rule, 1);
      holding = await this.txHost.tx.query(
        `SELECT t.id AS tenant_id, t.slug, 'Health score ' || h.score || ' (' || h.risk || ' risk) on ' || to_char(h.day, 'YYYY-MM-DD') || coalesce('; top reason: ' || rtrim(h.top_reason, '.'), '') || '.' AS detail
           ${inScope('JOIN LATERAL (SELECT s.score, s.risk, s.day, s.top_reason FROM tenant_health_snapshots s WHERE s.tenant_id = t.id ORDER BY s.day DESC LIMIT 1) h ON true', own)}
            AND h.score < $${1 + own.params.length}`,
        [...own.params, rule.threshold ?? 40],
      );
    } else if (rule.type === 'error_rate_spike') {
      await this.errorRate(rule, now);
      return;
    } else {
      return; // payment_failed: opened by the event, resolved by invoice.paid
    }
    const open = new Set((await this.alerts.unresolvedTenants(rule.id)).filter((id): id is string => id !== null));
    for (const h of holding) {
      // Opening counts; a condition still true since the last pass only refreshes lastSeenAt.
      await this.alerts.fire(rule, { tenantId: h.tenant_id, title: `${titleOf(rule)}: ${h.slug}`, detail: h.detail }, false);
      open.delete(h.tenant_id);
    }
    await this.alerts.resolve(rule.id, [...open]);
  }

  /**
   * The platform-wide 5xx share over the rule's window (whole minutes, every instance): at or
   * above the threshold (and at least {@link MIN_REQUESTS_FOR_RATE} responses) the rule's one alert
   * is open; below it, resolved.
   */
  private async errorRate(rule: AlertRule, now: Date): Promise<void> {
    const minutes = rule.windowMinutes ?? 5;
    const { requests, errors } = await this.recorder.window(minutes, now.getTime());
    const percent = requests ? (100 * errors) / requests : 0;
    if (requests >= MIN_REQUESTS_FOR_RATE && percent >= (rule.threshold ?? 100)) {
      await this.alerts.fire(rule, { tenantId: null, title: `API error rate above ${rule.threshold} %`, detail: `${errors} of ${requests} responses in the last ${minutes} minutes were 5xx (${percent.toFixed(1)} %).` }, false);
    } else {
      await this.alerts.resolve(rule.id, [null]);
    }
  }

  private async slug(tenantId: string): Promise<string> {
    const [t]: { slug: string }[] = await this.txHost.tx.query(`SELECT slug FROM tenants WHERE id = $1`, [tenantId]);
    return t?.slug ?? tenantId;
  }
}

function titleOf(rule: AlertRule): string {
  switch (rule.type) {
    case 'trial_expiring':
      return `Trial ending within ${rule.threshold} days`;
    case 'tenant_inactive':
      return `Inactive for ${rule.threshold} days`;
    case 'webhook_failing':
      return 'Webhooks failing';
    case 'usage_over_limit':
      return `Usage over ${rule.threshold} %`;
    case 'tenant_at_risk':
      return `Health score below ${rule.threshold}`;
    default:
      return rule.name;
  }
}
