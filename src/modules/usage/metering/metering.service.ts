import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { createHash } from 'node:crypto';
import { isUUID } from 'class-validator';
import { ForbiddenError, NotFoundError, UnprocessableError } from '../../../common/errors';
import { TenantDirectory } from '../../../common/tenancy';
import { Clock } from '../../../common/time';
import { isMetricCode, MetricCode, metricDefinition, periodOf, QuotaExceededError, QuotaService } from '../../plans';
import { UsageCounters } from '../usage-counters.service';
import { QuotaReservationDto, ReleaseQuotaDto, ReserveQuotaDto, UsageEventBatchDto, UsageEventBatchResultDto, UsageEventResultDto, UsageGaugeDto, UsageGaugeResultDto } from './metering.dto';
import { UsageThresholds } from './usage-thresholds';

/** Oldest event accepted, in days before now (a month's events can still arrive late). */
export const MAX_EVENT_AGE_DAYS = 35;
/** Newest event accepted, in minutes after now (clock skew of the sender). */
export const MAX_EVENT_SKEW_MINUTES = 5;

const DAY_MS = 86_400_000;

interface StoredReservation {
  id: string;
  request_hash: string;
  metric: string;
  limit_at_decision: number | null;
  used_after: string;
}

/**
 * The metering side of the product-module API: race-safe reservations and releases of the levels
 * a module owns (projects, domains; one conditional upsert through UsageCounters, so N concurrent
 * callers with k left get exactly k), idempotent by the caller's key; and usage events of metered
 * metrics (period totals), deduplicated by (tenant, eventId), stored, and added to the period's
 * counter in the same transaction. Threshold crossings (80/90/100 %) are published once per period.
 */
@Injectable()
export class MeteringService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly quotas: QuotaService,
    private readonly counters: UsageCounters,
    private readonly thresholds: UsageThresholds,
    private readonly directory: TenantDirectory,
    private readonly clock: Clock,
  ) {}

  /**
   * Reserves `amount` of a module-owned level for the tenant.
   * @throws QuotaExceededError 402 (nothing kept: a retry is decided again) | UnprocessableError
   *   `metric_not_reservable` | `idempotency_key_reused` | NotFoundError `tenant_not_found` | ForbiddenError `tenant_suspended`
   */
  async reserve(clientId: string, dto: ReserveQuotaDto): Promise<{ status: 201 | 200; body: QuotaReservationDto }> {
    const metric = this.reservable(dto.metric);
    await this.assertOpen(dto.tenantId);
    const hash = requestHash(['reserve', dto.metric, dto.amount, dto.resourceType ?? null, dto.resourceId ?? null]);
    const replay = await this.claim(clientId, 'reserve', dto.tenantId, dto.idempotencyKey, hash, metric, dto.amount, dto.resourceType ?? null, dto.resourceId ?? null);
    if (replay) return { status: 200, body: replay };
    const at = this.clock.now();
    const limit = (await this.quotas.limits(dto.tenantId, { lockForShare: true }))[metric];
    const { ok, used } = await this.counters.tryAdd(dto.tenantId, metric, dto.amount, limit, at);
    if (!ok) throw new QuotaExceededError(metric, limit ?? 0, used);
    const id = await this.settle(clientId, 'reserve', dto.tenantId, dto.idempotencyKey, limit, used);
    await this.thresholds.update(dto.tenantId, metric, periodOf(metric, at).start, used, limit);
    return { status: 201, body: { reservationId: id, metric, limit, used, remaining: limit === null ? null : Math.max(0, limit - used), replayed: false } };
  }

  /** Gives back `amount` (never below 0), idempotent by key. @throws as {@link reserve}, without the 402 */
  async release(clientId: string, dto: ReleaseQuotaDto): Promise<{ status: 201 | 200; body: QuotaReservationDto }> {
    const metric = this.reservable(dto.metric);
    if (!(await this.directory.findById(dto.tenantId))) throw new NotFoundError('Tenant', dto.tenantId);
    const hash = requestHash(['release', dto.metric, dto.amount, dto.resourceId ?? null]);
    const replay = await this.claim(clientId, 'release', dto.tenantId, dto.idempotencyKey, hash, metric, dto.amount, null, dto.resourceId ?? null);
    if (replay) return { status: 200, body: replay };
    const at = this.clock.now();
    await this.counters.subtract(dto.tenantId, metric, dto.amount, at);
    const used = (await this.counters.current(dto.tenantId, at))[metric];
    const limit = (await this.quotas.limits(dto.tenantId))[metric];
    const id = await this.settle(clientId, 'release', dto.tenantId, dto.idempotencyKey, limit, used);
    await this.thresholds.update(dto.tenantId, metric, periodOf(metric, at).start, used, limit);
    return { status: 201, body: { reservationId: id, metric, limit, used, remaining: limit === null ? null : Math.max(0, limit - used), replayed: false } };
  }

  /**
   * Ingests a batch: per event accepted, duplicate (same tenant and eventId seen before, or earlier
   * in the batch) or rejected with its reason; accepted amounts are summed per tenant, metric and
   * period into the counters in one statement. A handful of statements per batch, whatever its size.
   */
  async ingest(batch: UsageEventBatchDto): Promise<UsageEventBatchResultDto> {
    const now = this.clock.now().getTime();
    const results: UsageEventResultDto[] = batch.events.map((e) => ({ eventId: e.eventId, status: 'accepted' }));
    const reject = (i: number, reason: string) => (results[i] = { eventId: batch.events[i].eventId, status: 'rejected', reason });
    const candidates: { i: number; tenantId: string; metric: MetricCode; amount: number; at: Date }[] = [];
    batch.events.forEach((e, i) => {
      if (!isUUID(e.tenantId, 'all')) return reject(i, 'unknown_tenant');
      if (!isMetricCode(e.metric)) return reject(i, 'unknown_metric');
      if (metricDefinition(e.metric).kind !== 'period_total') return reject(i, 'metric_not_metered');
      if (!Number.isInteger(e.amount) || e.amount <= 0 || e.amount > 1_000_000_000) return reject(i, 'invalid_amount');
      const at = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(e.occurredAt) ? new Date(e.occurredAt) : new Date(NaN);
      if (Number.isNaN(at.getTime())) return reject(i, 'invalid_occurred_at');
      if (at.getTime() < now - MAX_EVENT_AGE_DAYS * DAY_MS) return reject(i, 'too_old');
      if (at.getTime() > now + MAX_EVENT_SKEW_MINUTES * 60_000) return reject(i, 'in_the_future');
      candidates.push({ i, tenantId: e.tenantId, metric: e.metric, amount: e.amount, at });
    });
    const tx = this.txHost.tx;
    if (candidates.length) {
      const tenantIds = [...new Set(candidates.map((c) => c.tenantId))];
      const known = new Set(((await tx.query(`SELECT tenant_id FROM tenant_usage WHERE tenant_id = ANY($1::uuid[])`, [tenantIds])) as { tenant_id: string }[]).map((r) => r.tenant_id));
      const seen = new Set<string>();
      const fresh = candidates.filter((c) => {
        if (!known.has(c.tenantId)) return void reject(c.i, 'unknown_tenant');
        const key = `${c.tenantId}\u0000${batch.events[c.i].eventId}`;
        if (seen.has(key)) return void (results[c.i] = { eventId: batch.events[c.i].eventId, status: 'duplicate' });
        seen.add(key);
        return true;
      });
      if (fresh.length) {
        // The dedupe key first: a concurrent resend of the same event waits here, then sees it.
        const inserted: { tenant_id: string; event_id: string }[] = await tx.query(
          `INSERT INTO usage_event_keys (tenant_id, event_id, occurred_at) SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[])
           ON CONFLICT DO NOTHING RETURNING tenant_id, event_id`,
          [fresh.map((c) => c.tenantId), fresh.map((c) => batch.events[c.i].eventId), fresh.map((c) => c.at)],
        );
        const won = new Set(inserted.map((r) => `${r.tenant_id}\u0000${r.event_id}`));
        const accepted = fresh.filter((c) => {
          if (won.has(`${c.tenantId}\u0000${batch.events[c.i].eventId}`)) return true;
          results[c.i] = { eventId: batch.events[c.i].eventId, status: 'duplicate' };
          return false;
        });
        if (accepted.length) await this.store(batch, accepted);
      }
    }
    return {
      accepted: results.filter((r) => r.status === 'accepted').length,
      duplicates: results.filter((r) => r.status === 'duplicate').length,
      rejected: results.filter((r) => r.status === 'rejected').length,
      results,
    };
  }

  /** Stores accepted events, adds them to their period counters and updates the thresholds. */
  private async store(batch: UsageEventBatchDto, accepted: { i: number; tenantId: string; metric: MetricCode; amount: number; at: Date }[]): Promise<void> {
    const tx = this.txHost.tx;
    await tx.query(
      `INSERT INTO usage_events (tenant_id, event_id, metric, amount, occurred_at, properties)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[], $5::timestamptz[], $6::jsonb[])`,
      [
        accepted.map((c) => c.tenantId),
        accepted.map((c) => batch.events[c.i].eventId),
        accepted.map((c) => c.metric),
        accepted.map((c) => c.amount),
        accepted.map((c) => c.at),
        accepted.map((c) => JSON.stringify(batch.events[c.i].properties ?? {})),
      ],
    );
    const sums = new Map<string, { tenantId: string; metric: MetricCode; periodStart: string; amount: number }>();
    for (const c of accepted) {
      const periodStart = periodOf(c.metric, c.at).start;
      const key = `${c.tenantId}|${c.metric}|${periodStart}`;
      const s = sums.get(key) ?? { tenantId: c.tenantId, metric: c.metric, periodStart, amount: 0 };
      s.amount += c.amount;
      sums.set(key, s);
    }
    const rows = [...sums.values()].sort((a, b) => (a.tenantId + a.metric + a.periodStart).localeCompare(b.tenantId + b.metric + b.periodStart));
    // In a fixed order, so concurrent batches lock the same counters in the same order (no deadlock).
    const totals: { tenant_id: string; metric: string; period_start: string; value: string }[] = await tx.query(
      `INSERT INTO usage_counters AS c (tenant_id, metric, period_start, value)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::date[], $4::bigint[])
       ON CONFLICT (tenant_id, metric, period_start) DO UPDATE SET value = c.value + EXCLUDED.value, updated_at = now()
       RETURNING tenant_id, metric, to_char(period_start, 'YYYY-MM-DD') AS period_start, value`,
      [rows.map((r) => r.tenantId), rows.map((r) => r.metric), rows.map((r) => r.periodStart), rows.map((r) => r.amount)],
    );
    // Thresholds: only current periods (a late event of a past period crosses nothing now) and
    // limited metrics; every tenant's limit in one statement per metric.
    const now = this.clock.now();
    const current = totals.filter((t) => t.period_start === periodOf(t.metric as MetricCode, now).start);
    for (const metric of [...new Set(current.map((t) => t.metric as MetricCode))]) {
      const ofMetric = current.filter((t) => t.metric === metric);
      const limits = await this.quotas.limitsOf(ofMetric.map((t) => t.tenant_id), metric);
      for (const total of ofMetric) {
        const limit = limits.get(total.tenant_id) ?? null;
        if (limit !== null) await this.thresholds.update(total.tenant_id, metric, total.period_start, Number(total.value), limit);
      }
    }
  }

  /**
   * Stores a module's true count of a level it owns (the latest observation wins); the nightly
   * recount corrects the counter to it. @throws UnprocessableError `metric_not_reservable` | NotFoundError
   */
  async gauge(clientId: string, dto: UsageGaugeDto): Promise<UsageGaugeResultDto> {
    const metric = this.reservable(dto.metric);
    if (!(await this.directory.findById(dto.tenantId))) throw new NotFoundError('Tenant', dto.tenantId);
    const stored: { value: string; observed_at: Date }[] = await this.txHost.tx.query(
      `INSERT INTO usage_gauges AS g (tenant_id, metric, value, observed_at, client_id) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant_id, metric) DO UPDATE SET value = EXCLUDED.value, observed_at = EXCLUDED.observed_at, client_id = EXCLUDED.client_id, received_at = now()
          WHERE g.observed_at < EXCLUDED.observed_at
       RETURNING value, observed_at`,
      [dto.tenantId, metric, dto.value, dto.observedAt, clientId],
    );
    const [current]: { value: string; observed_at: Date }[] = stored.length ? stored : await this.txHost.tx.query(`SELECT value, observed_at FROM usage_gauges WHERE tenant_id = $1 AND metric = $2`, [dto.tenantId, metric]);
    const counter = (await this.counters.current(dto.tenantId, this.clock.now()))[metric];
    return { metric, value: Number(current.value), observedAt: current.observed_at.toISOString(), counter, stored: stored.length > 0 };
  }

  /**
   * Deletes the dedupe keys of events older than {@link MAX_EVENT_AGE_DAYS} + 1 days: such events
   * are refused anyway, so their keys can never be needed again. Returns how many were deleted.
   */
  async pruneEventKeys(): Promise<number> {
    const before = new Date(this.clock.now().getTime() - (MAX_EVENT_AGE_DAYS + 1) * DAY_MS);
    const [, deleted]: [unknown, number] = await this.txHost.tx.query(`DELETE FROM usage_event_keys WHERE occurred_at < $1`, [before]);
    return deleted;
  }

  /** A metric services may reserve: a level owned by a product module. @throws UnprocessableError `metric_not_reservable` */
  private reservable(metric: string): MetricCode {
    if (!isMetricCode(metric)) throw new UnprocessableError('metric_not_reservable', `Unknown metric ${metric}.`, { field: 'metric' });
    const def = metricDefinition(metric);
    if (def.kind !== 'count' || def.owner === 'iam') {
      throw new UnprocessableError('metric_not_reservable', def.owner === 'iam' ? `${metric} is counted by the control plane itself (tenant users).` : `${metric} is a period total: report it as usage events.`, { field: 'metric' });
    }
    return metric;
  }

  /** @throws NotFoundError `tenant_not_found` | ForbiddenError `tenant_suspended` */
  private async assertOpen(tenantId: string): Promise<void> {
    const tenant = await this.directory.findById(tenantId, { lockForShare: true });
    if (!tenant || tenant.status === 'deleted') throw new NotFoundError('Tenant', tenantId);
    const standing = await this.quotas.standing(tenantId);
    if (tenant.status === 'suspended' || standing.billingStatus === 'suspended') throw new ForbiddenError('The organisation is suspended: nothing may be created for it.', 'tenant_suspended');
  }

  /**
   * Inserts the idempotency row (a concurrent call with the same key waits on the unique index, then
   * finds it); an existing row with the same request answers again, another request is a 422.
   */
  private async claim(clientId: string, kind: 'reserve' | 'release', tenantId: string, key: string, hash: string, metric: string, amount: number, resourceType: string | null, resourceId: string | null): Promise<QuotaReservationDto | null> {
    const tx = this.txHost.tx;
    const inserted: { id: string }[] = await tx.query(
      `INSERT INTO quota_reservations (tenant_id, client_id, kind, idempotency_key, request_hash, metric, amount, resource_type, resource_id, used_after)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0) ON CONFLICT (tenant_id, client_id, kind, idempotency_key) DO NOTHING RETURNING id`,
      [tenantId, clientId, kind, key, hash, metric, amount, resourceType, resourceId],
    );
    if (inserted.length) return null;
    const [row]: StoredReservation[] = await tx.query(
      `SELECT id, request_hash, metric, limit_at_decision, used_after FROM quota_reservations WHERE tenant_id = $1 AND client_id = $2 AND kind = $3 AND idempotency_key = $4`,
      [tenantId, clientId, kind, key],
    );
    if (row.request_hash !== hash) throw new UnprocessableError('idempotency_key_reused', 'This idempotencyKey was used for a different request.', { field: 'idempotencyKey' });
    const used = Number(row.used_after);
    return { reservationId: row.id, metric: row.metric, limit: row.limit_at_decision, used, remaining: row.limit_at_decision === null ? null : Math.max(0, row.limit_at_decision - used), replayed: true };
  }

  /** Writes the decision on the claimed row; returns its id. */
  private async settle(clientId: string, kind: 'reserve' | 'release', tenantId: string, key: string, limit: number | null, used: number): Promise<string> {
    // An UPDATE through the pg driver answers [rows, affected].
    const [rows]: [{ id: string }[], number] = await this.txHost.tx.query(
      `UPDATE quota_reservations SET limit_at_decision = $5, used_after = $6 WHERE tenant_id = $1 AND client_id = $2 AND kind = $3 AND idempotency_key = $4 RETURNING id`,
      [tenantId, clientId, kind, key, limit, used],
    );
    return rows[0].id;
  }
}

/** SHA-256 of a request's fields. */
function requestHash(fields: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}
