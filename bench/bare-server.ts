/**
 * Bench-only baseline (never part of the product) for bench/hot-paths.ts: a bare Express + pg
 * server that runs the same SQL as the service for five routes and answers the same JSON bytes.
 *
 *   node -r @swc-node/register bench/bare-server.ts <bare|bare-auth> <port>
 *
 * - `bare`: no authentication; the tenant is BENCH_TENANT_ID (the bench tenant).
 * - `bare-auth`: additionally verifies the bearer token as the service does (jsonwebtoken, HS256,
 *   a KeyObject from crypto.createSecretKey(JWT_SECRET), issuer/audience, 5 s leeway) and does the
 *   same Redis MGET (revoked:sub, revoked:tenant, revoked:sid, revoked:fid, suspended:admin,
 *   suspended:billing; src/common/auth/token-revocations.ts); the tenant then comes from the token.
 *
 * Routes (statements as the service sends them, captured with log_statement=all; bench/README.md):
 *   GET   /api/v1/tenant/quota            3 queries: quota row, plan row, usage counters
 *   GET   /api/v1/tenant/users            4 queries: page, count, limits, usage counters
 *   GET   /api/v1/admin/tenants           2 queries in parallel: page (+ member counters, plan subscription), total (tenant_status_counts)
 *   POST  /api/v1/tenant/users            argon2id hash (m=19456, t=2, p=1), then one transaction:
 *                                         limits, usage, INSERT user, limits, seat upsert, SELECT
 *                                         user, INSERT outbox (dispatched: no consumer), INSERT audit
 *   PATCH /api/v1/tenant/users/:id        one transaction: SELECT … FOR UPDATE, UPDATE, SELECT,
 *                                         INSERT outbox, INSERT audit; then the consumer's transaction
 *                                         (processed_events) and UPDATE outbox dispatched_at
 * Differences kept on purpose: no helmet headers, no request logging, no validation beyond what
 * the bench sends, and the POST hashes before BEGIN (the service hashes inside its transaction).
 * Pool: pg.Pool of 20 (the service's TypeORM pool, src/database/typeorm-options.ts) with the
 * service's session settings.
 */
import * as argon2 from 'argon2';
import express, { NextFunction, Request, Response } from 'express';
import Redis from 'ioredis';
import jwt from 'jsonwebtoken';
import { createSecretKey, randomUUID } from 'node:crypto';
import { Pool, PoolClient } from 'pg';
import { METRIC_CODES, MetricCode, periodOf, pickMetrics } from '../src/modules/plans/metrics';
import { Allowance, effectiveLimits, toAllowance } from '../src/modules/plans/quota.service';
import { TenantListRow, toTenantListItem } from '../src/modules/tenants/tenant.mapper';
import { planSubscriptionColumnsSql, planSubscriptionJoinSql } from '../src/modules/billing/subscription-summary';
import { encodeKeysetCursor } from '../src/common/http/pagination';

const [mode = 'bare', portArg = '3922'] = process.argv.slice(2);
if (mode !== 'bare' && mode !== 'bare-auth') throw new Error(`mode must be bare or bare-auth, not ${mode}`);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/control_plane_bench_hot';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/13';
const JWT_SECRET = process.env.JWT_SECRET ?? 'development-only-secret-change-me-0123456789';
const BENCH_TENANT_ID = process.env.BENCH_TENANT_ID ?? '';
const ARGON2 = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
/** Seconds an outbox row stays locked for its inline dispatch (the service's locked_until = occurred + 30 s). */
const OUTBOX_LOCK_MS = 30_000;

/** The service's pool size and session settings (buildDataSourceOptions with the default backstops). */
const pool = new Pool({
  connectionString: DATABASE_URL,
  max: 20,
  idleTimeoutMillis: 5000,
  options: '-c timezone=UTC -c random_page_cost=1.1 -c statement_timeout=15000 -c lock_timeout=5000 -c idle_in_transaction_session_timeout=30000',
});
const redis = mode === 'bare-auth' ? new Redis(REDIS_URL) : null;
const key = createSecretKey(Buffer.from(JWT_SECRET, 'utf8'));

/** What the token (bare-auth) or the configuration (bare) says about the caller. */
interface Caller {
  id: string;
  type: 'platform' | 'tenant';
  email: string | null;
  tenantId: string | null;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** bare-auth: jsonwebtoken verification plus the revocation/suspension MGET; bare: the configured tenant. */
async function authenticate(req: Request): Promise<Caller> {
  if (!redis) return { id: '00000000-0000-4000-8000-000000000000', type: 'tenant', email: 'admin@bench-hot.test', tenantId: BENCH_TENANT_ID };
  const header = req.headers.authorization ?? '';
  if (!header.startsWith('Bearer ')) throw new HttpError(401, 'A bearer access token is required.');
  let payload: Record<string, unknown>;
  try {
    const decoded = jwt.verify(header.slice(7), key, { algorithms: ['HS256'], issuer: 'control-plane', audience: 'control-plane-api', clockTolerance: 5, complete: true });
    payload = decoded.payload as Record<string, unknown>;
  } catch {
    throw new HttpError(401, 'Invalid access token.');
  }
  const sub = String(payload.sub);
  const tenantId = typeof payload.tenantId === 'string' ? payload.tenantId : null;
  const act = (payload.act as { sub?: string } | undefined)?.sub;
  const subjects = [`revoked:sub:${sub}`, ...(act ? [`revoked:sub:${act}`] : [])];
  const outright = [tenantId && `revoked:tenant:${tenantId}`, payload.sid && `revoked:sid:${String(payload.sid)}`, payload.fid && `revoked:fid:${String(payload.fid)}`].filter(Boolean) as string[];
  const suspension = tenantId ? [`suspended:admin:${tenantId}`, `suspended:billing:${tenantId}`] : [];
  const values = await redis.mget(...subjects, ...outright, ...suspension);
  const issuedAtMs = Number(payload.iat ?? 0) * 1000;
  const revoked =
    values.slice(0, subjects.length).some((v) => v !== null && issuedAtMs <= Number(v)) || values.slice(subjects.length, subjects.length + outright.length).some((v) => v !== null);
  if (revoked) throw new HttpError(401, 'The token has been revoked.');
  return { id: sub, type: payload.kind === 'platform' ? 'platform' : 'tenant', email: typeof payload.email === 'string' ? payload.email : null, tenantId };
}

/** A tenant caller's tenant id. @throws HttpError 403 for staff. */
function tenantOf(caller: Caller): string {
  if (caller.type !== 'tenant' || !caller.tenantId) throw new HttpError(403, 'This route is for tenant users only.');
  return caller.tenantId;
}

// --- the I/O of the service's reads; its pure rules and mappers are imported, so both servers
// shape the bytes the same way ---

type Limits = Partial<Record<string, number | null>>;

const USAGE_SQL = `SELECT u.last_calculated_at, c.metric, c.value
         FROM tenant_usage u
         LEFT JOIN usage_counters c ON c.tenant_id = u.tenant_id
          AND (c.metric, c.period_start) IN (SELECT * FROM unnest($2::text[], $3::date[]))
        WHERE u.tenant_id = $1`;
const LIMITS_SQL = 'SELECT p.limits, q.limit_overrides FROM tenant_quotas q JOIN plans p ON p.id = q.plan_id WHERE q.tenant_id = $1';

type Queryable = Pick<PoolClient, 'query'> | Pool;

/** Current value of every metric in its period containing `at` (one query). @throws 404 */
async function usageValues(db: Queryable, tenantId: string, at: Date): Promise<Record<MetricCode, number>> {
  const periods = METRIC_CODES.map((m) => periodOf(m, at).start);
  const { rows } = await db.query<{ metric: string | null; value: string | null }>(USAGE_SQL, [tenantId, METRIC_CODES, periods]);
  if (!rows.length) throw new HttpError(404, 'Tenant not found.');
  const values = Object.fromEntries(METRIC_CODES.map((m) => [m, 0])) as Record<MetricCode, number>;
  for (const r of rows) if (r.metric !== null && (METRIC_CODES as readonly string[]).includes(r.metric)) values[r.metric as MetricCode] = Number(r.value);
  return values;
}

async function limitsOf(db: Queryable, tenantId: string): Promise<Record<MetricCode, number | null>> {
  const { rows } = await db.query<{ limits: Limits; limit_overrides: Limits }>(LIMITS_SQL, [tenantId]);
  if (!rows.length) throw new HttpError(404, 'Tenant not found.');
  return effectiveLimits(rows[0].limits, rows[0].limit_overrides);
}

async function allowances(db: Queryable, tenantId: string): Promise<Allowance[]> {
  const at = new Date();
  const limits = await limitsOf(db, tenantId);
  const used = await usageValues(db, tenantId, at);
  return METRIC_CODES.map((m) => toAllowance(m, limits[m], used[m], at));
}

// --- tenant users ---

const USER_COLUMNS = (a: string) =>
  ['id', 'tenant_id', 'email', 'full_name', 'role', 'is_active', 'must_change_password', 'last_login_at', 'created_at', 'updated_at'].map((c) => `"${a}"."${c}" AS "${a}_${c}"`).join(', ');

interface UserRow {
  [column: string]: unknown;
}

/** toTenantUserDto of the service, from a row selected with {@link USER_COLUMNS}(alias). */
function userDto(r: UserRow, a: string) {
  return {
    id: r[`${a}_id`] as string,
    email: r[`${a}_email`] as string,
    fullName: r[`${a}_full_name`] as string,
    role: r[`${a}_role`] as string,
    status: r[`${a}_is_active`] ? 'active' : 'inactive',
    mustChangePassword: r[`${a}_must_change_password`] as boolean,
    lastLoginAt: (r[`${a}_last_login_at`] as Date | null)?.toISOString() ?? null,
    createdAt: (r[`${a}_created_at`] as Date).toISOString(),
    updatedAt: (r[`${a}_updated_at`] as Date).toISOString(),
  };
}

/** The audit `changes` redaction the service applies to these two routes' payloads. */
function redactedUser(u: ReturnType<typeof userDto>) {
  return { ...u, mustChangePassword: '[REDACTED]' };
}

const OUTBOX_SQL = `INSERT INTO "outbox"("id", "event_name", "tenant_id", "envelope", "occurred_at", "locked_until", "dispatched_at", "attempts", "last_error", "created_at", "updated_at") VALUES ($1, $2, $3, $4, $5, $6, $7, DEFAULT, DEFAULT, DEFAULT, DEFAULT) RETURNING "attempts", "created_at", "updated_at"`;
const AUDIT_SQL = `INSERT INTO audit_logs (id, occurred_at, request_id, channel, actor_type, actor_id, actor_email, impersonator_id, tenant_id, action, module, resource_type, resource_id, method, path, status_code, outcome, error_code, ip, user_agent, changes, metadata) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)`;

async function outbox(db: PoolClient, name: string, caller: Caller, tenantId: string, payload: Record<string, unknown>, dispatched: boolean): Promise<string> {
  const id = randomUUID();
  const occurred = new Date();
  const envelope = { name, actor: { id: caller.id, type: caller.type, impersonatorId: null }, eventId: id, payload, tenantId, occurredAt: occurred.toISOString() };
  await db.query(OUTBOX_SQL, [id, name, tenantId, JSON.stringify(envelope), occurred, new Date(occurred.getTime() + OUTBOX_LOCK_MS), dispatched ? new Date() : null]);
  return id;
}

async function audit(db: PoolClient, req: Request, caller: Caller, tenantId: string, action: string, resourceId: string, status: number, changes: Record<string, unknown>): Promise<void> {
  await db.query(AUDIT_SQL, [
    randomUUID(), new Date(), randomUUID(), 'http', caller.type, caller.id, caller.email, null, tenantId, action, 'iam', 'tenant_user', resourceId,
    req.method, req.originalUrl, status, 'success', null, req.socket.remoteAddress ?? null, req.headers['user-agent'] ?? null, JSON.stringify(changes), null,
  ]);
}

/** BEGIN … COMMIT on one pooled connection (ROLLBACK on error). */
async function transaction<T>(work: (db: PoolClient) => Promise<T>): Promise<T> {
  const db = await pool.connect();
  try {
    await db.query('START TRANSACTION');
    const out = await work(db);
    await db.query('COMMIT');
    return out;
  } catch (err) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    db.release();
  }
}

// --- routes ---

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.set('query parser', 'simple');
app.use(express.json({ limit: '1mb' }));

type Handler = (req: Request, res: Response) => Promise<void>;
const route = (h: Handler) => (req: Request, res: Response, next: NextFunction) => void h(req, res).catch(next);

app.get('/health', (_req, res) => void res.json({ ok: true }));

app.get(
  '/api/v1/tenant/quota',
  route(async (req, res) => {
    const tenantId = tenantOf(await authenticate(req));
    const at = new Date();
    const quota = (await pool.query(`SELECT ${['tenant_id', 'plan_id', 'limit_overrides', 'feature_overrides', 'billing_status', 'trial_ends_at', 'current_period_ends_at', 'external_customer_id', 'notes', 'created_at', 'updated_at'].map((c) => `"q"."${c}" AS "q_${c}"`).join(', ')} FROM "tenant_quotas" "q" WHERE "q"."tenant_id" = $1`, [tenantId])).rows[0] as
      | Record<string, unknown>
      | undefined;
    if (!quota) throw new HttpError(404, 'Tenant not found.');
    const plan = (
      await pool.query(
        `SELECT ${['id', 'code', 'name', 'description', 'monthly_price_cents', 'annual_price_cents', 'currency', 'is_active', 'limits', 'features', 'created_at', 'updated_at'].map((c) => `"Plan"."${c}" AS "Plan_${c}"`).join(', ')} FROM "plans" "Plan" WHERE (("Plan"."id" = $1)) LIMIT 1`,
        [quota.q_plan_id],
      )
    ).rows[0] as Record<string, unknown>;
    const used = await usageValues(pool, tenantId, at);
    const limits = effectiveLimits(plan.Plan_limits as Limits, quota.q_limit_overrides as Limits);
    pickMetrics(quota.q_limit_overrides as Limits); // the service computes it for the staff DTO too
    res.json({
      data: METRIC_CODES.map((m) => toAllowance(m, limits[m], used[m], at)),
      billingStatus: quota.q_billing_status,
      trialEndsAt: (quota.q_trial_ends_at as Date | null)?.toISOString() ?? null,
    });
  }),
);

app.get(
  '/api/v1/tenant/users',
  route(async (req, res) => {
    const tenantId = tenantOf(await authenticate(req));
    const limit = Number(req.query.limit ?? 20);
    const offset = Number(req.query.offset ?? 0);
    const { rows } = await pool.query(
      `SELECT ${USER_COLUMNS('u')} FROM "tenant_users" "u" WHERE "u"."tenant_id" = $1 ORDER BY "u"."created_at" ASC, "u"."id" ASC LIMIT ${limit} OFFSET ${offset}`,
      [tenantId],
    );
    const [{ cnt }] = (await pool.query(`SELECT COUNT(1) AS "cnt" FROM "tenant_users" "u" WHERE "u"."tenant_id" = $1`, [tenantId])).rows as { cnt: string }[];
    const quota = (await allowances(pool, tenantId)).find((a) => a.metric === 'members')!;
    res.json({ data: rows.map((r: UserRow) => userDto(r, 'u')), meta: { total: Number(cnt), limit, offset, quota } });
  }),
);

interface ListRow extends TenantListRow {
  sort_key: string;
}

app.get(
  '/api/v1/admin/tenants',
  route(async (req, res) => {
    const caller = await authenticate(req);
    if (redis && caller.type !== 'platform') throw new HttpError(403, 'This route is for platform staff only.');
    const limit = Number(req.query.limit ?? 20);
    const offset = Number(req.query.offset ?? 0);
    const [page, count] = await Promise.all([
      pool.query<ListRow>(
        `SELECT page.*, u.value AS member_count, ${planSubscriptionColumnsSql('s')}, to_char(page.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS sort_key
         FROM (SELECT t.id, t.name, t.slug, t.status, t.tags, t.created_at, q.billing_status, q.trial_ends_at,
                      p.code AS plan_code, p.name AS plan_name, CASE WHEN q.limit_overrides ? 'members' THEN (q.limit_overrides->>'members')::int ELSE (p.limits->>'members')::int END AS members_limit
               FROM tenants t JOIN tenant_quotas q ON q.tenant_id = t.id JOIN plans p ON p.id = q.plan_id
               WHERE t.status <> 'deleted'
               ORDER BY t.created_at DESC, t.id DESC
               LIMIT $1 OFFSET $2) page
         LEFT JOIN usage_counters u ON u.tenant_id = page.id AND u.metric = 'members' AND u.period_start = DATE '1970-01-01'
         ${planSubscriptionJoinSql('page.id', 's')}
         ORDER BY page.created_at DESC, page.id DESC`,
        // One row more than the page tells whether a next page exists (meta.nextCursor), as the service does.
        [limit + 1, offset],
      ),
      pool.query<{ total: number }>(`SELECT COALESCE(sum(c.tenants), 0)::int AS total FROM tenant_status_counts c WHERE c.status <> 'deleted'`),
    ]);
    const now = Date.now();
    const rows = page.rows.slice(0, limit);
    const last = rows[rows.length - 1];
    const nextCursor = page.rows.length > limit && last ? encodeKeysetCursor({ sort: 'createdAt', order: 'desc', values: [last.sort_key], id: last.id }) : null;
    res.json({
      data: rows.map((r) => toTenantListItem(r, now)),
      meta: { total: count.rows[0].total, limit, offset, nextCursor },
    });
  }),
);

const SEAT_SQL = `INSERT INTO usage_counters AS c (tenant_id, metric, period_start, value)
       SELECT $1, $2, $3::date, $4::bigint WHERE $5::bigint IS NULL OR $4::bigint <= $5::bigint
       ON CONFLICT (tenant_id, metric, period_start)
       DO UPDATE SET value = c.value + EXCLUDED.value, updated_at = now()
          WHERE $5::bigint IS NULL OR c.value + EXCLUDED.value <= $5::bigint
       RETURNING c.value`;

app.post(
  '/api/v1/tenant/users',
  route(async (req, res) => {
    const caller = await authenticate(req);
    const tenantId = tenantOf(caller);
    const body = req.body as { email: string; fullName: string; role: string; password: string };
    const email = body.email.trim().toLowerCase();
    const fullName = body.fullName.trim();
    const passwordHash = await argon2.hash(body.password, ARGON2);
    const out = await transaction(async (db) => {
      // Quota pre-check (the service's EnforceQuota('members')): limits + usage, inside the transaction.
      const pre = await allowances(db, tenantId);
      if (pre.find((a) => a.metric === 'members')!.remaining === 0) throw new HttpError(402, 'quota_exceeded');
      const inserted = await db.query<{ id: string }>(
        `INSERT INTO "tenant_users" AS "TenantUser"("id", "tenant_id", "email", "full_name", "role", "password_hash", "is_active", "must_change_password", "last_login_at", "created_at", "updated_at") VALUES (DEFAULT, $1, $2, $3, $4, $5, $6, $7, DEFAULT, DEFAULT, DEFAULT) ON CONFLICT DO NOTHING  RETURNING "id"`,
        [tenantId, email, fullName, body.role, passwordHash, true, false],
      );
      const id = inserted.rows[0]?.id;
      if (!id) throw new HttpError(409, 'user_email_taken');
      const limit = (await limitsOf(db, tenantId)).members;
      const seat = await db.query(SEAT_SQL, [tenantId, 'members', '1970-01-01', 1, limit]);
      if (!seat.rows.length) throw new HttpError(402, 'quota_exceeded');
      const { rows } = await db.query(
        `SELECT ${USER_COLUMNS('TenantUser')} FROM "tenant_users" "TenantUser" WHERE (("TenantUser"."id" = $1) AND ("TenantUser"."tenant_id" = $2)) LIMIT 1`,
        [id, tenantId],
      );
      const user = userDto(rows[0] as UserRow, 'TenantUser');
      await outbox(db, 'user.created', caller, tenantId, { role: user.role, email: user.email, userId: id, isActive: true }, true);
      await audit(db, req, caller, tenantId, 'tenantUsers.create', id, 201, { after: redactedUser(user), request: { ...body, password: '[REDACTED]' } });
      return user;
    });
    res.status(201).json(out);
  }),
);

app.patch(
  '/api/v1/tenant/users/:userId',
  route(async (req, res) => {
    const caller = await authenticate(req);
    const tenantId = tenantOf(caller);
    const userId = String(req.params.userId);
    const fullName = String((req.body as { fullName: string }).fullName).trim();
    const select = `SELECT ${USER_COLUMNS('u')} FROM "tenant_users" "u" WHERE "u"."tenant_id" = $1 AND ("u"."id" = $2)`;
    const result = await transaction(async (db) => {
      const beforeRows = (await db.query(`${select} FOR UPDATE`, [tenantId, userId])).rows as UserRow[];
      if (!beforeRows.length) throw new HttpError(404, 'user_not_found');
      const before = userDto(beforeRows[0], 'u');
      if (before.fullName === fullName) return { user: before, eventId: null };
      await db.query(`UPDATE "tenant_users" SET "full_name" = $1, "updated_at" = CURRENT_TIMESTAMP WHERE ("id" = $2 AND "tenant_id" = $3)`, [fullName, userId, tenantId]);
      const after = userDto((await db.query(select, [tenantId, userId])).rows[0] as UserRow, 'u');
      const eventId = await outbox(db, 'user.updated', caller, tenantId, { role: after.role, email: after.email, userId, changed: ['fullName'], isActive: after.status === 'active' }, false);
      await audit(db, req, caller, tenantId, 'tenantUsers.update', userId, 200, { after: redactedUser(after), before: redactedUser(before), request: req.body as Record<string, unknown> });
      return { user: after, eventId };
    });
    if (result.eventId) {
      // The inline post-commit dispatch: the consumer's own transaction, then the outbox row marked dispatched.
      const eventId = result.eventId;
      await transaction(async (db) => {
        await db.query(
          `WITH settled AS (DELETE FROM event_deliveries WHERE event_id = $2 AND consumer = $1)
         INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id`,
          ['iam.revoke-user-tokens', eventId],
        );
      });
      await pool.query(`UPDATE outbox SET dispatched_at = now(), updated_at = now() WHERE id = ANY($1::uuid[])`, [[eventId]]);
    }
    res.json(result.user);
  }),
);

app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
  const status = err instanceof HttpError ? err.status : 500;
  if (status === 500) process.stderr.write(`bare-server: ${err.stack ?? err.message}\n`);
  res.status(status).json({ status, detail: err.message });
});

const server = app.listen(Number(portArg), '127.0.0.1', () => process.stdout.write(`ready ${mode} ${portArg}\n`));
process.on('SIGTERM', () => {
  server.close();
  void Promise.all([pool.end(), redis?.quit()]).finally(() => process.exit(0));
});
