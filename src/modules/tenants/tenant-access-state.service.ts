import { InjectQueue } from '@nestjs/bull';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bull';
import { TokenRevocations } from '../../common/auth';
import { PURGE_JOB, PurgeJobData, purgeJobId, TENANTS_QUEUE } from './jobs/tenants-queue';

interface StateRow {
  id: string;
  status: string;
  deleted_at: Date | null;
  purge_after: Date | null;
}

/**
 * Keeps what every request checks in Redis — the admin suspension flag and the tenant-wide
 * token revocation — and the delayed purge job in line with the tenant row in PostgreSQL, the
 * source of truth. Each method reads the current row and converges to it, so it is idempotent
 * and order-independent: a re-dispatched or late event can never resurrect an old state.
 */
@Injectable()
export class TenantAccessState {
  private readonly logger = new Logger(TenantAccessState.name);

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly revocations: TokenRevocations,
    @InjectQueue(TENANTS_QUEUE) private readonly queue: Queue<PurgeJobData>,
  ) {}

  /** Converges the Redis flags of one tenant to its row (a purged tenant's tokens stay revoked until none can still verify). */
  async sync(tenantId: string): Promise<void> {
    const [row]: StateRow[] = await this.txHost.tx.query(`SELECT id, status, deleted_at, purge_after FROM tenants WHERE id = $1`, [tenantId]);
    await this.apply(tenantId, row ?? null);
  }

  /** Schedules the purge of the tenant's current deletion, if it is deleted (no-op when already scheduled). */
  async schedulePurge(tenantId: string): Promise<void> {
    const [row]: StateRow[] = await this.txHost.tx.query(`SELECT id, status, deleted_at, purge_after FROM tenants WHERE id = $1`, [tenantId]);
    if (row?.status === 'deleted' && row.deleted_at && row.purge_after) await this.enqueuePurge(row);
  }

  /** Removes the delayed purge job of the deletion made at `deletedAt` (tenant restored). */
  async cancelPurge(tenantId: string, deletedAt: Date): Promise<void> {
    const job = await this.queue.getJob(purgeJobId(tenantId, deletedAt));
    // A job already running finds the tenant restored and does nothing.
    if (job && !(await job.isActive())) await job.remove();
  }

  /**
   * Rebuilds flags and purge jobs from PostgreSQL at boot, so a Redis flush or a lost event
   * never lifts a suspension or a deletion (CONVENTIONS §9: the database is the truth).
   */
  async rebuild(): Promise<void> {
    const rows: StateRow[] = await this.txHost.tx.query(`SELECT id, status, deleted_at, purge_after FROM tenants WHERE status IN ('suspended', 'deleted')`);
    for (const row of rows) {
      await this.apply(row.id, row);
      if (row.status === 'deleted' && row.deleted_at && row.purge_after) await this.enqueuePurge(row);
    }
    // Both ways: flags Redis holds for tenants that are no longer suspended or deleted are cleared.
    const known = new Set(rows.map((r) => r.id));
    const stale = [...new Set([...(await this.revocations.suspendedTenantIds('admin')), ...(await this.revocations.revokedTenantIds())])].filter((id) => !known.has(id));
    for (const id of stale) await this.sync(id);
    if (rows.length || stale.length) this.logger.log(`rebuilt access state: ${rows.length} suspended or deleted tenant(s), ${stale.length} stale flag(s) reconciled`);
  }

  private async apply(tenantId: string, row: StateRow | null): Promise<void> {
    if (!row) {
      await this.revocations.revokeTenant(tenantId, 'expired');
      await this.revocations.setTenantSuspended(tenantId, 'admin', false);
      return;
    }
    if (row.status === 'deleted') await this.revocations.revokeTenant(tenantId);
    else await this.revocations.restoreTenant(tenantId);
    await this.revocations.setTenantSuspended(tenantId, 'admin', row.status === 'suspended');
  }

  private async enqueuePurge(row: StateRow): Promise<void> {
    const deletedAt = new Date(row.deleted_at!);
    // A purge that used up its attempts stays in Bull's failed set under the same id, where add()
    // would silently do nothing: retry it instead (boot rebuild, re-dispatched tenant.deleted).
    const existing = await this.queue.getJob(purgeJobId(row.id, deletedAt));
    if (existing && (await existing.isFailed())) {
      await existing.retry();
      return;
    }
    await this.queue.add(
      PURGE_JOB,
      { tenantId: row.id, deletedAt: deletedAt.toISOString() },
      {
        jobId: purgeJobId(row.id, deletedAt),
        delay: Math.max(0, new Date(row.purge_after!).getTime() - Date.now()),
        attempts: 5,
        backoff: { type: 'exponential', delay: 60_000 },
        removeOnComplete: true,
        removeOnFail: 100,
      },
    );
  }
}
