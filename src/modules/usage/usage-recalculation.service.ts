import { Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { EventBus, UnitOfWork } from '../../common/events';
import { AuditService } from '../audit';
import { UsageDriftCorrectedEvent } from './events/usage.events';

/** Counters a recount can derive from source tables today (projects/domains/automations have none yet). */
interface Recount {
  member_count: number;
  org_admin_count: number;
}

/**
 * Recounts usage counters from their source tables and corrects drift (issue 3 §4). The usage
 * row is locked for the recount, so it cannot interleave with a seat reservation. A correction
 * writes an audit row (action usage.drift_corrected), an event and a log line.
 */
@Injectable()
export class UsageRecalculationService {
  private readonly logger = new Logger(UsageRecalculationService.name);

  constructor(
    private readonly uow: UnitOfWork,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly audit: AuditService,
    private readonly events: EventBus,
  ) {}

  /** Recounts one tenant; returns the corrections made (empty when there was no drift or no row). */
  async recalculate(tenantId: string): Promise<Record<string, { before: number; after: number }>> {
    return this.uow.run(async () => {
      const tx = this.txHost.tx;
      const current: Recount[] = await tx.query(`SELECT member_count, org_admin_count FROM tenant_usage WHERE tenant_id = $1 FOR UPDATE`, [tenantId]);
      if (!current.length) return {};
      // Read-only look at iam's table: the source of truth of seats (docs/adr/0004).
      const [actual]: Recount[] = await tx.query(
        `SELECT count(*) FILTER (WHERE is_active)::int AS member_count,
                count(*) FILTER (WHERE is_active AND role = 'admin')::int AS org_admin_count
         FROM tenant_users WHERE tenant_id = $1`,
        [tenantId],
      );
      const drift: Record<string, { before: number; after: number }> = {};
      for (const key of ['member_count', 'org_admin_count'] as const) {
        if (current[0][key] !== actual[key]) drift[key] = { before: current[0][key], after: actual[key] };
      }
      await tx.query(
        `UPDATE tenant_usage SET member_count = $2, org_admin_count = $3, last_calculated_at = now(), updated_at = now() WHERE tenant_id = $1`,
        [tenantId, actual.member_count, actual.org_admin_count],
      );
      if (Object.keys(drift).length) {
        this.logger.warn(`usage drift corrected for tenant ${tenantId}: ${JSON.stringify(drift)}`);
        await this.audit.record(
          { channel: 'job', action: 'usage.drift_corrected', module: 'usage', resourceType: 'tenant_usage', resourceId: tenantId, tenantId, changes: { drift } },
          tx,
        );
        await this.events.publish(
          new UsageDriftCorrectedEvent(tenantId, {
            before: Object.fromEntries(Object.entries(drift).map(([k, v]) => [k, v.before])),
            after: Object.fromEntries(Object.entries(drift).map(([k, v]) => [k, v.after])),
          }),
        );
      }
      return drift;
    });
  }

  /** Tenant ids with a usage row, in pages (nightly recount of everyone). */
  async tenantIds(afterId: string | null, limit: number): Promise<string[]> {
    const rows: { tenant_id: string }[] = await this.txHost.tx.query(
      `SELECT tenant_id FROM tenant_usage WHERE ($1::uuid IS NULL OR tenant_id > $1) ORDER BY tenant_id LIMIT $2`,
      [afterId, limit],
    );
    return rows.map((r) => r.tenant_id);
  }

  /** Writes today's (UTC) snapshot of every tenant's counters in one statement; returns the row count. */
  async snapshotAll(day = new Date().toISOString().slice(0, 10)): Promise<number> {
    const rows: unknown[] = await this.txHost.tx.query(
      `INSERT INTO tenant_usage_snapshots (tenant_id, day, member_count, org_admin_count, project_count, domain_count, automation_runs_this_month)
       SELECT tenant_id, $1::date, member_count, org_admin_count, project_count, domain_count, automation_runs_this_month FROM tenant_usage
       ON CONFLICT (tenant_id, day) DO UPDATE SET member_count = EXCLUDED.member_count, org_admin_count = EXCLUDED.org_admin_count,
         project_count = EXCLUDED.project_count, domain_count = EXCLUDED.domain_count,
         automation_runs_this_month = EXCLUDED.automation_runs_this_month, updated_at = now()
       RETURNING tenant_id`,
      [day],
    );
    return rows.length;
  }
}
