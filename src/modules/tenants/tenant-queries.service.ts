import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { NotFoundError, ValidationError } from '../../common/errors';
import { containsPattern, decodeKeysetCursor, encodeKeysetCursor, KeysetKeyKind, Page } from '../../common/http';
import { AuditQueryService } from '../audit';
import { TenantUserAccounts } from '../iam';
import { effectiveLimitSql, QuotaService } from '../plans';
import { countMetricJoinSql, UsageCounters } from '../usage';
import { planSubscriptionColumnsSql, planSubscriptionJoinSql } from '../billing';
import { latestHealthJoinSql } from '../notifications';
import { TenantDetailDto, TenantListItemDto, TenantListQueryDto, TenantQuotaSummaryDto, TenantSort } from './dto/tenant.dto';
import { TenantSelfDto } from './dto/tenant-self.dto';
import { Tenant } from './entities/tenant.entity';
import { TenantNote } from './entities/tenant-note.entity';
import { etagOf, iso, TenantListRow, toTenantDto, toTenantListItem, trialDaysRemaining } from './tenant.mapper';

interface ListRow extends TenantListRow {
  /** The sort key as cursor text (timestamps with microseconds, ISO 8601 UTC). */
  sort_key: string | null;
}

interface QuotaRow {
  billing_status: string;
  trial_ends_at: Date | null;
  current_period_ends_at: Date | null;
  plan_code: string;
  plan_name: string;
}

/**
 * Sort keys. `name` and `created_at` are NOT NULL, so they sort without NULLS LAST and match the
 * (name, id) / (created_at, id) indexes: a page is an index scan plus 20 key look-ups, not a sort
 * of every tenant (bench/README.md). trial_ends_at is nullable: no-trial tenants sort last.
 */
const SORT_COLUMNS = { name: 't.name', createdAt: 't.created_at', trialEndsAt: 'q.trial_ends_at', healthScore: 'h.score' } as const;
/** The same keys as columns of the selected page (the outer query re-sorts its 20–100 rows). */
const PAGE_SORT_COLUMNS: Record<keyof typeof SORT_COLUMNS, string> = {
  name: 'page.name',
  createdAt: 'page.created_at',
  trialEndsAt: 'page.trial_ends_at',
  healthScore: 'page.health_score',
};
const NULLS: Record<keyof typeof SORT_COLUMNS, string> = { name: '', createdAt: '', trialEndsAt: ' NULLS LAST', healthScore: ' NULLS LAST' };
/** Kind of each sort key in a cursor (trial_ends_at and the health score are nullable; the score travels as text). */
const CURSOR_KEYS: Record<TenantSort, readonly KeysetKeyKind[]> = { name: ['text'], createdAt: ['timestamp'], trialEndsAt: ['timestamp?'], healthScore: ['text?'] };
/** The sort key of a page row as cursor text: timestamps keep their microseconds (a ms cursor would repeat or skip rows). */
const US = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;
const CURSOR_TEXT: Record<TenantSort, string> = {
  name: 'page.name',
  createdAt: `to_char(page.created_at AT TIME ZONE 'UTC', ${US})`,
  trialEndsAt: `to_char(page.trial_ends_at AT TIME ZONE 'UTC', ${US})`,
  healthScore: 'page.health_score::text',
};
/** The sort key of the tenant `id`, for cursors that name their row by id only (a name too long to embed). */
const KEY_OF_ROW: Record<'name' | 'createdAt', (id: string) => string> = {
  name: (id) => `(SELECT name FROM tenants WHERE id = ${id})`,
  createdAt: (id) => `(SELECT created_at FROM tenants WHERE id = ${id})`,
};

/**
 * Read model of the tenants context: the admin list, the detail page and the tenant's own view.
 *
 * The list is a read-model query that joins other contexts' tables read-only, through SQL
 * fragments their owners export and test as a contract — `effectiveLimitSql` (plans: tenant_quotas,
 * plans) and `countMetricJoinSql` (usage: usage_counters) — so a page costs one query for its rows
 * plus one count instead of N facade calls; writes to those tables still go only through their
 * contexts' facades (docs/adr/0004). Filters and sorts are backed by indexes (tenants.name,
 * created_at, status, GIN on tags; tenant_quotas.billing_status, trial_ends_at, plan_id).
 */
@Injectable()
export class TenantQueries {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly quotas: QuotaService,
    private readonly usage: UsageCounters,
    private readonly accounts: TenantUserAccounts,
    private readonly audit: AuditQueryService,
  ) {}

  /**
   * One page of tenants with `meta.total` and `meta.nextCursor`. Offset mode (`offset`) or keyset
   * mode (`cursor`: the page continues after the cursor's (sort key, id) under the same
   * sort/order/filters; `meta.offset` is 0). Deleted tenants are listed only with `status=deleted`.
   * @throws ValidationError naming `cursor` when it is malformed or made for another sort/order.
   */
  async list(query: TenantListQueryDto): Promise<Page<TenantListItemDto, { nextCursor: string | null }>> {
    const direction = query.order === 'asc' ? 'ASC' : 'DESC';
    const cursor = query.cursor === undefined ? undefined : decodeKeysetCursor(query.cursor, { sort: query.sort, order: query.order, keys: CURSOR_KEYS[query.sort] });
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const where: string[] = [query.status ? `t.status = ${param(query.status)}` : `t.status <> 'deleted'`];
    if (query.q) {
      const term = param(containsPattern(query.q));
      // Same expression as the trigram index ix_tenants_search (migration TenantSearchTrigram).
      where.push(`(t.name || ' ' || t.slug || ' ' || t.contact_email) ILIKE ${term}`);
    }
    if (query.billingStatus) where.push(`q.billing_status = ${param(query.billingStatus)}`);
    if (query.planCode) where.push(`p.code = ${param(query.planCode)}`);
    if (query.tag) where.push(`t.tags @> ARRAY[${param(query.tag)}]::text[]`);
    if (query.healthRisk) where.push(`h.risk = ${param(query.healthRisk)}`);
    if (query.trialEndingWithinDays !== undefined) {
      // Includes overdue trials (ended but still in trial): they need attention most.
      where.push(`q.billing_status = 'trial' AND q.trial_ends_at < now() + make_interval(days => ${param(query.trialEndingWithinDays)})`);
    }
    // The latest health snapshot (notifications' read-model fragment) is joined only when the
    // filter or the sort needs it: one index probe per candidate row, not per tenant otherwise.
    const needsHealth = query.healthRisk !== undefined || query.sort === 'healthScore';
    const joins = `FROM tenants t JOIN tenant_quotas q ON q.tenant_id = t.id JOIN plans p ON p.id = q.plan_id${needsHealth ? ` ${latestHealthJoinSql('t.id', 'h')}` : ''}`;
    const filter = `WHERE ${where.join(' AND ')}`;
    // Without a filter other than status, the total is the trigger-kept per-status count
    // (tenant_status_counts: at most five rows instead of every tenant). Otherwise a count that joins
    // quota/plan only when a filter needs them (every tenant has exactly one quota).
    const countFrom = query.billingStatus || query.planCode || query.trialEndingWithinDays !== undefined || query.healthRisk ? joins : 'FROM tenants t';
    const statusOnly = where.length === 1;
    const countSql = statusOnly
      ? `SELECT COALESCE(sum(c.tenants), 0)::int AS total FROM tenant_status_counts c WHERE ${query.status ? 'c.status = $1' : `c.status <> 'deleted'`}`
      : `SELECT count(*)::int AS total ${countFrom} ${filter}`;
    const filterParams = [...params];
    const offsetValue = cursor ? 0 : query.offset;
    // One row more than the page tells whether there is a next page.
    const limit = param(query.limit + 1);
    const columns = `SELECT t.id, t.name, t.slug, t.status, t.tags, t.created_at, q.billing_status, q.trial_ends_at,
                            p.code AS plan_code, p.name AS plan_name, ${effectiveLimitSql('members')} AS members_limit
                            ${needsHealth ? ', h.score AS health_score' : ''}
                     ${joins}`;
    const cmp = direction === 'ASC' ? '>' : '<';
    // The rows of the page (the count ignores the cursor: total is every row matching the filters).
    let page: string;
    if (!cursor) {
      page = `${columns} ${filter}
              ORDER BY ${SORT_COLUMNS[query.sort]} ${direction}${NULLS[query.sort]}, t.id ${direction}
              LIMIT ${limit} OFFSET ${param(offsetValue)}`;
    } else if (query.sort === 'healthScore') {
      // A computed, nullable key (no index orders it): one OR over the NULLS LAST order.
      const id = `${param(cursor.id)}::uuid`;
      const value = cursor.values?.[0];
      if (cursor.values === null) throw new ValidationError([{ field: 'cursor', message: 'cursor is malformed; pass meta.nextCursor unchanged' }]);
      const after =
        value === null || value === undefined
          ? `h.score IS NULL AND t.id ${cmp} ${id}`
          : `(h.score ${cmp} ${param(value)}::int OR (h.score = ${param(value)}::int AND t.id ${cmp} ${id}) OR h.score IS NULL)`;
      page = `${columns} ${filter} AND ${after}
              ORDER BY h.score ${direction} NULLS LAST, t.id ${direction}
              LIMIT ${limit}`;
    } else if (query.sort !== 'trialEndsAt') {
      // NOT NULL key: a row comparison, served by the (key, id) index as a range scan.
      const id = `${param(cursor.id)}::uuid`;
      const key = cursor.values === null ? KEY_OF_ROW[query.sort](id) : `${param(cursor.values[0])}::${query.sort === 'name' ? 'text' : 'timestamptz'}`;
      page = `${columns} ${filter} AND (${SORT_COLUMNS[query.sort]}, t.id) ${cmp} (${key}, ${id})
              ORDER BY ${SORT_COLUMNS[query.sort]} ${direction}, t.id ${direction}
              LIMIT ${limit}`;
    } else {
      // trial_ends_at is nullable and sorts NULLS LAST in both orders: after a NULL position come
      // the NULL rows with a later id; after a non-NULL one the non-NULL rows past it, then every
      // NULL row. Each part is its own index-ordered scan — ix_tenant_quotas_trial_ends forwards or
      // backwards from the cursor's value (the range excludes its NULLs, so either direction
      // serves), the primary keys for the NULL rows — instead of one OR that no index can order.
      if (cursor.values === null) throw new ValidationError([{ field: 'cursor', message: 'cursor is malformed; pass meta.nextCursor unchanged' }]);
      const id = `${param(cursor.id)}::uuid`;
      const value = cursor.values[0];
      const nullRows = `(${columns} ${filter} AND q.trial_ends_at IS NULL${value === null ? ` AND t.id ${cmp} ${id}` : ''}
                         ORDER BY t.id ${direction} LIMIT ${limit})`;
      if (value === null) {
        page = nullRows;
      } else {
        const key = `${param(value)}::timestamptz`;
        page = `(${columns} ${filter} AND q.trial_ends_at ${cmp}= ${key} AND (q.trial_ends_at, t.id) ${cmp} (${key}, ${id})
                 ORDER BY q.trial_ends_at ${direction}, t.id ${direction} LIMIT ${limit})
                UNION ALL ${nullRows}`;
      }
    }
    const tx = this.txHost.tx;
    // The page is chosen first and the member counters are looked up for its rows only (one
    // primary-key probe each), so a deep offset does not join every tenant's counter.
    const [rows, [{ total }]] = await Promise.all([
      tx.query(
        `SELECT page.*, u.value AS member_count, ${planSubscriptionColumnsSql('s')}, ${CURSOR_TEXT[query.sort]} AS sort_key,
                hp.score AS latest_health_score, hp.risk AS latest_health_risk, to_char(hp.day, 'YYYY-MM-DD') AS latest_health_day
         FROM (${page}) page
         ${countMetricJoinSql('members', 'page.id', 'u')}
         ${planSubscriptionJoinSql('page.id', 's')}
         ${latestHealthJoinSql('page.id', 'hp')}
         ORDER BY ${PAGE_SORT_COLUMNS[query.sort]} ${direction}${NULLS[query.sort]}, page.id ${direction}
         LIMIT ${limit}`,
        params,
      ) as Promise<ListRow[]>,
      tx.query(countSql, filterParams) as Promise<{ total: number }[]>,
    ]);
    const now = Date.now();
    const pageRows = rows.slice(0, query.limit);
    const last = pageRows[pageRows.length - 1];
    const nextCursor =
      rows.length > query.limit && last ? encodeKeysetCursor({ sort: query.sort, order: query.order, values: [last.sort_key], id: last.id }) : null;
    return {
      data: pageRows.map((r) => toTenantListItem(r, now)),
      meta: { total, limit: query.limit, offset: offsetValue, nextCursor },
    };
  }

  /** The tenant entity or 404 (deleted tenants included). @throws NotFoundError `tenant_not_found` */
  async get(tenantId: string): Promise<Tenant> {
    const tenant = await this.txHost.tx.getRepository(Tenant).findOne({ where: { id: tenantId } });
    if (!tenant) throw new NotFoundError('Tenant', tenantId);
    return tenant;
  }

  /** The detail page: profile, quota with allowances, usage, admin contact, notes count, last 10 audit rows. */
  async detail(tenantId: string): Promise<{ dto: TenantDetailDto; etag: string }> {
    const tenant = await this.get(tenantId);
    const [quota, usage, admin, notesCount, recentAuditEvents] = await Promise.all([
      this.quotaSummary(tenantId, true),
      this.usage.get(tenantId),
      this.accounts.findActiveUser(tenantId),
      this.txHost.tx.getRepository(TenantNote).count({ where: { tenantId } }),
      this.audit.latestForTenant(tenantId, 10),
    ]);
    return {
      dto: {
        ...toTenantDto(tenant),
        quota,
        usage: { ...usage.values, lastCalculatedAt: iso(usage.lastCalculatedAt) },
        adminContact: admin ? { id: admin.id, email: admin.email, fullName: admin.fullName } : null,
        notesCount,
        recentAuditEvents,
      },
      etag: etagOf(tenant.version),
    };
  }

  /** The caller's own tenant (tenant side). @throws NotFoundError */
  async self(tenantId: string): Promise<{ dto: TenantSelfDto; etag: string }> {
    const tenant = await this.get(tenantId);
    const quota = await this.quotaSummary(tenantId, false);
    return {
      dto: {
        id: tenant.id,
        name: tenant.name,
        slug: tenant.slug,
        status: tenant.status,
        timezone: tenant.timezone,
        currency: tenant.currency,
        locale: tenant.locale,
        plan: quota.plan,
        billingStatus: quota.billingStatus,
        trialEndsAt: quota.trialEndsAt,
      },
      etag: etagOf(tenant.version),
    };
  }

  /** Plan and billing state (read-only join of the plans context's tables, docs/adr/0004), with allowances if asked. */
  private async quotaSummary(tenantId: string, withAllowances: boolean): Promise<TenantQuotaSummaryDto> {
    const [rows, allowances] = await Promise.all([
      this.txHost.tx.query(
        `SELECT q.billing_status, q.trial_ends_at, q.current_period_ends_at, p.code AS plan_code, p.name AS plan_name
         FROM tenant_quotas q JOIN plans p ON p.id = q.plan_id WHERE q.tenant_id = $1`,
        [tenantId],
      ) as Promise<QuotaRow[]>,
      withAllowances ? this.quotas.allowances(tenantId) : Promise.resolve([]),
    ]);
    const row = rows[0];
    if (!row) throw new NotFoundError('Tenant', tenantId);
    return {
      plan: { code: row.plan_code, name: row.plan_name },
      billingStatus: row.billing_status,
      trialEndsAt: iso(row.trial_ends_at),
      trialDaysRemaining: trialDaysRemaining(row.trial_ends_at),
      currentPeriodEndsAt: iso(row.current_period_ends_at),
      allowances,
    };
  }
}
