import { Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { EventBus, UnitOfWork } from '../../common/events';
import { Clock } from '../../common/time';
import { AuditService } from '../audit';
import { MetricCode, periodOf } from '../plans';
import { UsageDriftCorrectedEvent } from './events/usage.events';
import { currentPeriods } from './usage-counters.service';
import { UsageSources } from './usage-sources';

/** Corrections of one recount by metric code: `{ members: { before: 7, after: 2 } }`. */
export type UsageDrift = Partial<Record<MetricCode, { before: number; after: number }>>;

/**
 * Recounts usage counters from their owners' sources of truth and corrects drift (issue 3 §4).
 * Each metric's true value comes from the `UsageSource` of the context that owns it (iam for
 * seats); the recount no longer reads other contexts' tables. The tenant's usage account and the
 * counters it corrects are locked first, so the recount cannot interleave with a reservation.
 * A correction writes an audit row (action usage.drift_corrected), an event and a log line.
 */
@Injectable()
export class UsageRecalculationService {
  private readonly logger = new Logger(UsageRecalculationService.name);

  constructor(
    private readonly uow: UnitOfWork,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly audit: AuditService,
    private readonly events: EventBus,
    private readonly sources: UsageSources,
    private readonly clock: Clock,
  ) {}

  /**
   * Recounts one tenant in its own transaction: every metric some source reports, in its period
   * containing `at` (default now). Returns the corrections made (empty without drift or without
   * a usage account).
   */
  async recalculate(tenantId: string, at = this.clock.now()): Promise<UsageDrift> {
    return this.uow.run(async () => {
      const tx = this.txHost.tx;
      const account: unknown[] = await tx.query(`SELECT tenant_id FROM tenant_usage WHERE tenant_id = $1 FOR UPDATE`, [tenantId]);
      if (!account.length) return {};
      const metrics = this.sources.metrics();
      const periodStarts = metrics.map((m) => periodOf(m, at).start);
      // Every counter exists before it is locked: an insert racing with this one (a first
      // reservation in a new month) is waited for here instead of slipping past the lock.
      await tx.query(
        `INSERT INTO usage_counters (tenant_id, metric, period_start, value)
         SELECT $1, m, p, 0 FROM unnest($2::text[], $3::date[]) AS x(m, p)
         ON CONFLICT (tenant_id, metric, period_start) DO NOTHING`,
        [tenantId, metrics, periodStarts],
      );
      const counted: { metric: MetricCode; value: string }[] = await tx.query(
        `SELECT metric, value FROM usage_counters
          WHERE tenant_id = $1 AND (metric, period_start) IN (SELECT * FROM unnest($2::text[], $3::date[]))
          ORDER BY metric FOR UPDATE`,
        [tenantId, metrics, periodStarts],
      );
      // Measured after the counters are locked: a reservation that committed before is seen,
      // one still running waits for this transaction and then counts on the corrected value.
      const actual = await this.sources.measure(tenantId, at);
      const drift: UsageDrift = {};
      for (const { metric, value } of counted) {
        const before = Number(value);
        const after = actual[metric];
        if (after !== undefined && after !== before) drift[metric] = { before, after };
      }
      const drifted = Object.keys(drift) as MetricCode[];
      if (drifted.length) {
        await tx.query(
          `UPDATE usage_counters c SET value = x.v, updated_at = now()
             FROM unnest($2::text[], $3::date[], $4::bigint[]) AS x(m, p, v)
            WHERE c.tenant_id = $1 AND c.metric = x.m AND c.period_start = x.p`,
          [tenantId, drifted, drifted.map((m) => periodOf(m, at).start), drifted.map((m) => drift[m]!.after)],
        );
      }
      await tx.query(`UPDATE tenant_usage SET last_calculated_at = now(), updated_at = now() WHERE tenant_id = $1`, [tenantId]);
      if (drifted.length) {
        this.logger.warn(`usage drift corrected for tenant ${tenantId}: ${JSON.stringify(drift)}`);
        await this.audit.record(
          { channel: 'job', action: 'usage.drift_corrected', module: 'usage', resourceType: 'tenant_usage', resourceId: tenantId, tenantId, changes: { drift } },
          tx,
        );
        await this.events.publish(
          new UsageDriftCorrectedEvent(tenantId, {
            before: Object.fromEntries(drifted.map((m) => [m, drift[m]!.before])),
            after: Object.fromEntries(drifted.map((m) => [m, drift[m]!.after])),
          }),
        );
      }
      return drift;
    });
  }

  /** Tenant ids with a usage account, in pages (nightly recount of everyone). */
  async tenantIds(afterId: string | null, limit: number): Promise<string[]> {
    const rows: { tenant_id: string }[] = await this.txHost.tx.query(
      `SELECT tenant_id FROM tenant_usage WHERE ($1::uuid IS NULL OR tenant_id > $1) ORDER BY tenant_id LIMIT $2`,
      [afterId, limit],
    );
    return rows.map((r) => r.tenant_id);
  }

  /**
   * Writes the snapshot of UTC day `day` (default today) of every tenant's counters in one
   * statement — each metric in its period containing that day — and returns the row count.
   */
  async snapshotAll(day = this.clock.now().toISOString().slice(0, 10)): Promise<number> {
    const { metrics, periodStarts } = currentPeriods(new Date(`${day}T00:00:00.000Z`));
    const rows: unknown[] = await this.txHost.tx.query(
      `INSERT INTO tenant_usage_snapshots (tenant_id, day, counters)
       SELECT u.tenant_id, $1::date, COALESCE(jsonb_object_agg(c.metric, c.value) FILTER (WHERE c.metric IS NOT NULL), '{}'::jsonb)
         FROM tenant_usage u
         LEFT JOIN usage_counters c ON c.tenant_id = u.tenant_id
          AND (c.metric, c.period_start) IN (SELECT * FROM unnest($2::text[], $3::date[]))
        GROUP BY u.tenant_id
       ON CONFLICT (tenant_id, day) DO UPDATE SET counters = EXCLUDED.counters, updated_at = now()
       RETURNING tenant_id`,
      [day, metrics, periodStarts],
    );
    return rows.length;
  }
}
