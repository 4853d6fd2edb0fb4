import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Clock } from '../../../common/time';
import { effectiveLimitSql, METRICS, periodOf } from '../../plans';

/** How many usage outliers the dashboard lists. */
export const TOP_USAGE_OUTLIERS = 10;

/** The super-admin dashboard (see the DTO for each field's definition). */
export interface Dashboard {
  generatedAt: string;
  tenants: { total: number; activeTenants: number; suspendedTenants: number; trialTenants: number; deletedTenants: number; newThisMonth: number };
  mrr: { currency: string; mrrCents: number; payingTenants: number }[];
  trialsExpiring: { within7Days: number; within30Days: number };
  users: { total: number; activeToday: number };
  topUsageOutliers: { tenantId: string; tenantName: string; tenantSlug: string; metric: string; used: number; limit: number; percent: number }[];
  alerts: { open: number; acknowledged: number; bySeverity: { critical: number; warning: number; info: number } };
}

interface CountsRow {
  trial: number;
  new_this_month: number;
  trials_7: number;
  trials_30: number;
  users_total: number;
  active_today: number;
  alerts_open: number;
  alerts_acknowledged: number;
  alerts_critical: number;
  alerts_warning: number;
  alerts_info: number;
}

/**
 * The super-admin dashboard in four statements run side by side (no per-tenant round trip): the
 * status counts kept by the tenants context's trigger (`tenant_status_counts`), one row of
 * platform-wide counts (trials, new tenants, users, alerts), MRR per currency from billing's
 * per-tenant MRR state (`tenant_mrr`), and the tenants nearest or over their plan limits (the
 * plans context's `effectiveLimitSql` over every registry metric, against the usage counters of
 * the metric's current period). A read model across contexts (docs/adr/0004); "now" is the Clock.
 */
@Injectable()
export class DashboardQueries {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly clock: Clock,
  ) {}

  /** The dashboard at the Clock's now. */
  async dashboard(): Promise<Dashboard> {
    const now = this.clock.now();
    const dayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const tx = this.txHost.tx;
    const [statuses, [counts], mrr, outliers]: [{ status: string; tenants: string }[], CountsRow[], { currency: string; mrr: string; paying: number }[], { tenant_id: string; name: string; slug: string; metric: string; used: string; lim: number }[]] = await Promise.all([
      tx.query(`SELECT status, tenants::text AS tenants FROM tenant_status_counts`),
      tx.query(
        `SELECT
           (SELECT count(*) FROM tenant_quotas q JOIN tenants t ON t.id = q.tenant_id WHERE q.billing_status = 'trial' AND t.status <> 'deleted')::int AS trial,
           (SELECT count(*) FROM tenants WHERE created_at >= $1)::int AS new_this_month,
           (SELECT count(*) FROM subscriptions WHERE kind = 'plan' AND status = 'trial' AND trial_ends_at > $2 AND trial_ends_at <= $3)::int AS trials_7,
           (SELECT count(*) FROM subscriptions WHERE kind = 'plan' AND status = 'trial' AND trial_ends_at > $2 AND trial_ends_at <= $4)::int AS trials_30,
           (SELECT count(*) FROM tenant_users u JOIN tenants t ON t.id = u.tenant_id WHERE u.is_active AND t.status <> 'deleted')::int AS users_total,
           (SELECT count(*) FROM tenant_users u JOIN tenants t ON t.id = u.tenant_id WHERE u.last_login_at >= $5 AND t.status <> 'deleted')::int AS active_today,
           (SELECT count(*) FROM alerts WHERE status = 'open')::int AS alerts_open,
           (SELECT count(*) FROM alerts WHERE status = 'acknowledged')::int AS alerts_acknowledged,
           (SELECT count(*) FROM alerts WHERE status <> 'resolved' AND severity = 'critical')::int AS alerts_critical,
           (SELECT count(*) FROM alerts WHERE status <> 'resolved' AND severity = 'warning')::int AS alerts_warning,
           (SELECT count(*) FROM alerts WHERE status <> 'resolved' AND severity = 'info')::int AS alerts_info`,
        [monthStart, now, new Date(now.getTime() + 7 * 86_400_000), new Date(now.getTime() + 30 * 86_400_000), dayStart],
      ),
      tx.query(`SELECT currency, sum(mrr_cents)::text AS mrr, count(*) FILTER (WHERE mrr_cents > 0)::int AS paying FROM tenant_mrr GROUP BY currency HAVING sum(mrr_cents) <> 0 ORDER BY currency`),
      tx.query(this.outliersSql(now), [TOP_USAGE_OUTLIERS]),
    ]);
    const byStatus = new Map(statuses.map((s) => [s.status, Number(s.tenants)]));
    const active = byStatus.get('active') ?? 0;
    const suspended = byStatus.get('suspended') ?? 0;
    return {
      generatedAt: now.toISOString(),
      tenants: { total: active + suspended, activeTenants: active, suspendedTenants: suspended, trialTenants: counts.trial, deletedTenants: byStatus.get('deleted') ?? 0, newThisMonth: counts.new_this_month },
      mrr: mrr.map((m) => ({ currency: m.currency.trim(), mrrCents: Number(m.mrr), payingTenants: m.paying })),
      trialsExpiring: { within7Days: counts.trials_7, within30Days: counts.trials_30 },
      users: { total: counts.users_total, activeToday: counts.active_today },
      topUsageOutliers: outliers.map((o) => {
        const used = Number(o.used);
        return { tenantId: o.tenant_id, tenantName: o.name, tenantSlug: o.slug, metric: o.metric, used, limit: o.lim, percent: Math.round((used / o.lim) * 1000) / 10 };
      }),
      alerts: {
        open: counts.alerts_open,
        acknowledged: counts.alerts_acknowledged,
        bySeverity: { critical: counts.alerts_critical, warning: counts.alerts_warning, info: counts.alerts_info },
      },
    };
  }

  /**
   * Every (tenant, metric) with a positive effective limit, ranked by used / limit: one row per
   * registry metric per non-deleted tenant (a VALUES list of the metrics with their current period
   * start), the limit from the plans context's fragment, the used value from the counter of that period.
   */
  private outliersSql(now: Date): string {
    const metrics = METRICS.map((m) => `('${m.code}', ${effectiveLimitSql(m.code, 'q', 'p')}, DATE '${periodOf(m.code, now).start}')`).join(',\n              ');
    return `SELECT t.id AS tenant_id, t.name, t.slug, m.metric, COALESCE(c.value, 0)::text AS used, m.lim
              FROM tenant_quotas q
              JOIN plans p ON p.id = q.plan_id
              JOIN tenants t ON t.id = q.tenant_id AND t.status <> 'deleted'
              CROSS JOIN LATERAL (VALUES
              ${metrics}) AS m(metric, lim, period_start)
              LEFT JOIN usage_counters c ON c.tenant_id = q.tenant_id AND c.metric = m.metric AND c.period_start = m.period_start
             WHERE m.lim > 0
             ORDER BY COALESCE(c.value, 0)::numeric / m.lim DESC, COALESCE(c.value, 0) DESC, t.id, m.metric
             LIMIT $1`;
  }
}
