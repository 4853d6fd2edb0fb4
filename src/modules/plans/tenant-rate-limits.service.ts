import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { NotFoundError } from '../../common/errors';
import { Page, toPage } from '../../common/http';
import { Clock } from '../../common/time';
import { APP_CONFIG, AppConfig } from '../../config';
import { effectiveRateLimit, EffectiveRateLimit, planRateLimit, RateLimit, RateLimitOverride, RateLimitSource, rateLimitSourceSql, TenantRateLimitBasis } from './rate-limit';

/** One tenant's request rate: what applies now (and its source), its plan's, and the staff override if any. */
export interface TenantRateLimitView {
  tenantId: string;
  planCode: string;
  effective: EffectiveRateLimit;
  /** The plan's rate, or the platform default when the plan sets none. */
  plan: EffectiveRateLimit;
  /** The stored override, expired or not (an expired one no longer applies). */
  override: RateLimitOverride | null;
}

interface RateRow {
  tenant_id: string;
  plan_code: string;
  plan_rpm: number | null;
  plan_burst: number | null;
  override_rpm: number | null;
  override_burst: number | null;
  override_until: Date | null;
  override_reason: string | null;
}

const SELECT = `SELECT q.tenant_id, p.code AS plan_code, p.rate_limit_requests_per_minute AS plan_rpm, p.rate_limit_burst AS plan_burst,
  q.rate_limit_override_requests_per_minute AS override_rpm, q.rate_limit_override_burst AS override_burst,
  q.rate_limit_override_until AS override_until, q.rate_limit_override_reason AS override_reason
  FROM tenant_quotas q JOIN plans p ON p.id = q.plan_id`;

/**
 * The plans context's facade for the request-rate dimension: a tenant's effective rate (override
 * ?? plan ?? platform default, src/modules/plans/rate-limit.ts), the list of every tenant's, and
 * staff overrides (stored on the tenant's quota row, so a purge erases them with it), written in
 * the caller's transaction.
 */
@Injectable()
export class TenantRateLimits {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The platform default rate (TENANT_RATE_LIMIT_PER_MINUTE, TENANT_RATE_LIMIT_BURST). */
  get platformDefault(): RateLimit {
    return this.config.tenantRateLimit;
  }

  /**
   * What decides the tenant's rate (override and fallback), in one statement, for the enforcement
   * cache; null for an unknown tenant.
   */
  async basisOf(tenantId: string): Promise<TenantRateLimitBasis | null> {
    const rows: RateRow[] = await this.txHost.tx.query(`${SELECT} WHERE q.tenant_id = $1`, [tenantId]);
    return rows.length ? this.basis(rows[0]) : null;
  }

  /** One tenant's rate. @throws NotFoundError `tenant_not_found` */
  async get(tenantId: string): Promise<TenantRateLimitView> {
    const rows: RateRow[] = await this.txHost.tx.query(`${SELECT} WHERE q.tenant_id = $1`, [tenantId]);
    if (!rows.length) throw new NotFoundError('Tenant', tenantId);
    return this.view(rows[0]);
  }

  /** Every tenant's rate, newest tenants last (by tenant id for a stable order), optionally only those whose rate has `source`. */
  async list(query: { limit: number; offset: number; source?: RateLimitSource }): Promise<Page<TenantRateLimitView>> {
    const now = this.clock.now();
    const where = query.source ? `WHERE ${rateLimitSourceSql('$1')} = $2` : '';
    const params = query.source ? [now, query.source] : [];
    const rows: RateRow[] = await this.txHost.tx.query(`${SELECT} ${where} ORDER BY q.tenant_id LIMIT ${query.limit} OFFSET ${query.offset}`, params);
    const [{ total }]: { total: number }[] = await this.txHost.tx.query(`SELECT count(*)::int AS total FROM tenant_quotas q JOIN plans p ON p.id = q.plan_id ${where}`, params);
    return toPage(rows.map((r) => this.view(r, now)), total, query);
  }

  /**
   * Sets (replaces) the tenant's override; `until` must be in the future (checked by the caller's
   * validation). @throws NotFoundError `tenant_not_found`
   */
  async setOverride(tenantId: string, override: RateLimitOverride): Promise<{ before: TenantRateLimitView; after: TenantRateLimitView }> {
    const before = await this.lockedView(tenantId);
    await this.txHost.tx.query(
      `UPDATE tenant_quotas SET rate_limit_override_requests_per_minute = $2, rate_limit_override_burst = $3, rate_limit_override_until = $4, rate_limit_override_reason = $5, updated_at = now() WHERE tenant_id = $1`,
      [tenantId, override.requestsPerMinute, override.burst, override.until, override.reason],
    );
    return { before, after: await this.get(tenantId) };
  }

  /** Removes the tenant's override (idempotent: without one, nothing is written). @throws NotFoundError `tenant_not_found` */
  async clearOverride(tenantId: string): Promise<{ before: TenantRateLimitView; after: TenantRateLimitView }> {
    const before = await this.lockedView(tenantId);
    if (!before.override) return { before, after: before };
    await this.txHost.tx.query(
      `UPDATE tenant_quotas SET rate_limit_override_requests_per_minute = NULL, rate_limit_override_burst = NULL, rate_limit_override_until = NULL, rate_limit_override_reason = NULL, updated_at = now() WHERE tenant_id = $1`,
      [tenantId],
    );
    return { before, after: await this.get(tenantId) };
  }

  private async lockedView(tenantId: string): Promise<TenantRateLimitView> {
    const rows: RateRow[] = await this.txHost.tx.query(`${SELECT} WHERE q.tenant_id = $1 FOR UPDATE OF q`, [tenantId]);
    if (!rows.length) throw new NotFoundError('Tenant', tenantId);
    return this.view(rows[0]);
  }

  private basis(r: RateRow): TenantRateLimitBasis {
    const override =
      r.override_rpm === null ? null : { requestsPerMinute: r.override_rpm, burst: r.override_burst ?? 0, until: r.override_until, reason: r.override_reason };
    return { override, fallback: planRateLimit({ rateLimitRequestsPerMinute: r.plan_rpm, rateLimitBurst: r.plan_burst }, this.platformDefault) };
  }

  private view(r: RateRow, now = this.clock.now()): TenantRateLimitView {
    const basis = this.basis(r);
    return { tenantId: r.tenant_id, planCode: r.plan_code, effective: effectiveRateLimit(basis, now), plan: basis.fallback, override: basis.override };
  }
}
