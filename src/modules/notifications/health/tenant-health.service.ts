import { Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { NotFoundError } from '../../../common/errors';
import { EventBus, UnitOfWork } from '../../../common/events';
import { Clock } from '../../../common/time';
import { QuotaService } from '../../plans';
import { TenantRiskChangedEvent } from '../events';
import { computeHealth, HEALTH_MODEL_VERSION, TenantHealthFacts, TenantHealthScore } from './health-model';
import { TenantHealthHistoryDto, TenantHealthDto, TenantHealthSummaryDto, TenantRiskEntryDto } from './tenant-health.dto';

const DAY_MS = 86_400_000;

/**
 * Tenant health and risk for staff: the facts of one tenant read from the contexts' tables in one
 * statement (a read model, docs/adr/0004), scored by the versioned model; the daily snapshot of
 * every tenant (history, movers, `tenant.risk_changed` when the level changes) and the summary.
 */
@Injectable()
export class TenantHealthService {
  private readonly logger = new Logger(TenantHealthService.name);

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly quotas: QuotaService,
    private readonly events: EventBus,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  /** The live score of a tenant. @throws NotFoundError `tenant_not_found` */
  async health(tenantId: string): Promise<TenantHealthDto> {
    const now = this.clock.now();
    const score = computeHealth(await this.facts(tenantId, now));
    return { tenantId, ...score, computedAt: now.toISOString() };
  }

  /** What the model reads of one tenant at `now`. @throws NotFoundError `tenant_not_found` (also a deleted tenant) */
  async facts(tenantId: string, now: Date): Promise<TenantHealthFacts> {
    const d30 = new Date(now.getTime() - 30 * DAY_MS);
    const d60 = new Date(now.getTime() - 60 * DAY_MS);
    const [row]: Record<string, string | number | null>[] = await this.txHost.tx.query(
      `SELECT
         (SELECT count(*) FROM audit_logs a WHERE a.tenant_id = t.id AND a.action = 'auth.login.tenant' AND a.outcome = 'success' AND a.occurred_at >= $2) AS sign_ins_30d,
         (SELECT count(*) FROM audit_logs a WHERE a.tenant_id = t.id AND a.action = 'auth.login.tenant' AND a.outcome = 'success' AND a.occurred_at >= $3 AND a.occurred_at < $2) AS sign_ins_prev_30d,
         (SELECT count(DISTINCT a.actor_id) FROM audit_logs a JOIN tenant_users u ON u.id = a.actor_id AND u.is_active
           WHERE a.tenant_id = t.id AND a.action = 'auth.login.tenant' AND a.outcome = 'success' AND a.occurred_at >= $2) AS active_users_30d,
         (SELECT count(*) FROM tenant_users u WHERE u.tenant_id = t.id AND u.is_active) AS user_accounts,
         (SELECT coalesce(sum(e.amount), 0) FROM usage_events e WHERE e.tenant_id = t.id AND e.occurred_at >= $2 AND e.occurred_at <= $4) AS metered_30d,
         (SELECT coalesce(sum(e.amount), 0) FROM usage_events e WHERE e.tenant_id = t.id AND e.occurred_at >= $3 AND e.occurred_at < $2) AS metered_prev_30d,
         (SELECT count(*) FROM payments p WHERE p.tenant_id = t.id AND p.status = 'failed' AND p.created_at >= $2) AS failed_payments_30d,
         (SELECT count(*) FROM invoices i WHERE i.tenant_id = t.id AND i.status = 'open' AND i.due_at < $4::timestamptz - interval '1 day') AS past_due_invoices,
         (SELECT count(*) FROM impersonation_sessions s WHERE s.tenant_id = t.id AND s.started_at >= $2)
           + (SELECT count(*) FROM tenant_notes n WHERE n.tenant_id = t.id AND n.created_at >= $2 AND n.body ILIKE '%#support%') AS support_touches_30d,
         (SELECT count(*) FROM webhook_endpoints w WHERE w.tenant_id = t.id) AS webhook_endpoints,
         (SELECT count(*) FROM webhook_endpoints w WHERE w.tenant_id = t.id
             AND ((NOT w.enabled AND w.disabled_reason IN ('gone', 'failing')) OR w.breaker_open_until > $4 OR w.consecutive_failures >= 5)) AS failing_webhook_endpoints
       FROM tenants t WHERE t.id = $1 AND t.deleted_at IS NULL`,
      [tenantId, d30, d60, now],
    );
    if (!row) throw new NotFoundError('Tenant', tenantId);
    const standing = await this.quotas.standing(tenantId, now);
    const seats = standing.allowances.find((a) => a.metric === 'members');
    const n = (k: string) => Number(row[k] ?? 0);
    return {
      signIns30d: n('sign_ins_30d'),
      signInsPrev30d: n('sign_ins_prev_30d'),
      activeUsers30d: n('active_users_30d'),
      userAccounts: n('user_accounts'),
      seatsUsed: seats?.used ?? 0,
      seatLimit: seats?.limit ?? null,
      meteredUsage30d: n('metered_30d'),
      meteredUsagePrev30d: n('metered_prev_30d'),
      failedPayments30d: n('failed_payments_30d'),
      pastDueInvoices: n('past_due_invoices'),
      trialDaysLeft: standing.billingStatus === 'trial' && standing.trialEndsAt ? Math.max(0, Math.ceil((standing.trialEndsAt.getTime() - now.getTime()) / DAY_MS)) : null,
      supportTouches30d: n('support_touches_30d'),
      webhookEndpoints: n('webhook_endpoints'),
      failingWebhookEndpoints: n('failing_webhook_endpoints'),
    };
  }

  /** Daily snapshots of a tenant, oldest first. @throws NotFoundError */
  async history(tenantId: string, days = 90): Promise<TenantHealthHistoryDto> {
    const [tenant]: unknown[] = await this.txHost.tx.query(`SELECT 1 FROM tenants WHERE id = $1`, [tenantId]);
    if (!tenant) throw new NotFoundError('Tenant', tenantId);
    const since = new Date(this.clock.now().getTime() - (days - 1) * DAY_MS).toISOString().slice(0, 10);
    const rows: { day: string; score: number; risk: string; top_reason: string | null; model_version: string }[] = await this.txHost.tx.query(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, score, risk, top_reason, model_version FROM tenant_health_snapshots WHERE tenant_id = $1 AND day >= $2::date ORDER BY day`,
      [tenantId, since],
    );
    return { tenantId, data: rows.map((r) => ({ day: r.day, score: r.score, risk: r.risk, topReason: r.top_reason, modelVersion: r.model_version })) };
  }

  /**
   * Snapshots one tenant's score for `day` (idempotent per day: a rerun overwrites it) and
   * publishes `tenant.risk_changed` when its risk level differs from its previous snapshot's.
   * Runs in the caller's unit of work. Returns the score.
   */
  async snapshot(tenantId: string, day: string, now: Date): Promise<TenantHealthScore> {
    const score = computeHealth(await this.facts(tenantId, now));
    const [previous]: { score: number; risk: 'low' | 'medium' | 'high' }[] = await this.txHost.tx.query(
      `SELECT score, risk FROM tenant_health_snapshots WHERE tenant_id = $1 AND day < $2::date ORDER BY day DESC LIMIT 1`,
      [tenantId, day],
    );
    const [stored]: { old_risk: string | null }[] = await this.txHost.tx.query(
      `WITH old AS (SELECT risk FROM tenant_health_snapshots WHERE tenant_id = $1 AND day = $2::date)
       INSERT INTO tenant_health_snapshots (tenant_id, day, score, risk, signals, top_reason, model_version) VALUES ($1, $2::date, $3, $4, $5, $6, $7)
       ON CONFLICT (tenant_id, day) DO UPDATE SET score = EXCLUDED.score, risk = EXCLUDED.risk, signals = EXCLUDED.signals, top_reason = EXCLUDED.top_reason, model_version = EXCLUDED.model_version
       RETURNING (SELECT risk FROM old) AS old_risk`,
      [tenantId, day, score.score, score.risk, JSON.stringify(score.signals), score.topReason, HEALTH_MODEL_VERSION],
    );
    // Told once per change: not again when the same day is snapshot twice with the same level.
    const already = stored?.old_risk === score.risk;
    if (previous && previous.risk !== score.risk && !already) {
      await this.events.publish(
        new TenantRiskChangedEvent(tenantId, { tenantId, previousRisk: previous.risk, risk: score.risk, previousScore: previous.score, score: score.score, topReason: score.topReason, day }),
      );
    }
    return score;
  }

  /** The daily job: snapshots every live tenant, each in its own transaction. Returns how many. */
  async snapshotAll(): Promise<number> {
    const now = this.clock.now();
    const day = now.toISOString().slice(0, 10);
    let after = '00000000-0000-0000-0000-000000000000';
    let count = 0;
    for (;;) {
      const ids: { id: string }[] = await this.uow.run(() => this.txHost.tx.query(`SELECT id FROM tenants WHERE deleted_at IS NULL AND id > $1 ORDER BY id LIMIT 200`, [after]));
      if (!ids.length) break;
      for (const { id } of ids) {
        await this.uow.run(() => this.snapshot(id, day, now)).catch((err: Error) => this.logger.error(`health snapshot of ${id} failed: ${err.message}`));
        count++;
      }
      after = ids[ids.length - 1].id;
    }
    return count;
  }

  /** Counts per risk level, the 20 riskiest and the 20 biggest movers, from the latest snapshot day. */
  async summary(): Promise<TenantHealthSummaryDto> {
    const [latest]: { day: string | null }[] = await this.txHost.tx.query(`SELECT to_char(max(day), 'YYYY-MM-DD') AS day FROM tenant_health_snapshots`);
    const day = latest?.day ?? null;
    if (!day) return { day: null, counts: { low: 0, medium: 0, high: 0 }, riskiest: [], movers: [] };
    const entries = `SELECT s.tenant_id, t.name, t.slug, s.score, s.risk, s.top_reason, w.score AS score_week_ago
                       FROM tenant_health_snapshots s JOIN tenants t ON t.id = s.tenant_id AND t.deleted_at IS NULL
                       LEFT JOIN tenant_health_snapshots w ON w.tenant_id = s.tenant_id AND w.day = s.day - 7
                      WHERE s.day = $1::date`;
    const counts: { risk: string; n: number }[] = await this.txHost.tx.query(
      `SELECT s.risk, count(*)::int AS n FROM tenant_health_snapshots s JOIN tenants t ON t.id = s.tenant_id AND t.deleted_at IS NULL WHERE s.day = $1::date GROUP BY s.risk`,
      [day],
    );
    const riskiest = await this.txHost.tx.query(`${entries} ORDER BY s.score, t.slug LIMIT 20`, [day]);
    const movers = await this.txHost.tx.query(`${entries} AND w.score IS NOT NULL AND w.score <> s.score ORDER BY abs(s.score - w.score) DESC, t.slug LIMIT 20`, [day]);
    const toEntry = (r: { tenant_id: string; name: string; slug: string; score: number; risk: string; top_reason: string | null; score_week_ago: number | null }): TenantRiskEntryDto => ({
      tenantId: r.tenant_id,
      name: r.name,
      slug: r.slug,
      score: r.score,
      risk: r.risk,
      topReason: r.top_reason,
      scoreWeekAgo: r.score_week_ago,
    });
    const count = (risk: string) => counts.find((c) => c.risk === risk)?.n ?? 0;
    return { day, counts: { low: count('low'), medium: count('medium'), high: count('high') }, riskiest: riskiest.map(toEntry), movers: movers.map(toEntry) };
  }
}
