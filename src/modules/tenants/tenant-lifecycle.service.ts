import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { RequestContext } from '../../common/context';
import { ConflictError } from '../../common/errors';
import { EventBus, UnitOfWork } from '../../common/events';
import { TenantDataErasers } from '../../common/tenancy';
import { APP_CONFIG, AppConfig } from '../../config';
import { AuditService } from '../audit';
import { TenantDeletionDto } from './dto/tenant.dto';
import { Tenant } from './entities/tenant.entity';
import { TenantActivatedEvent, TenantDeletedEvent, TenantPurgedEvent, TenantRestoredEvent, TenantSuspendedEvent } from './events/tenant.events';
import { lockTenant } from './tenant-lock';

const DAY_MS = 86_400_000;

/**
 * Tenant lifecycle (issue 3 §2): suspend, activate, soft delete with a grace period, restore,
 * purge. Each change locks the tenant row in the caller's transaction and publishes its event;
 * the Redis side effects (suspension flag, token revocation) and the delayed purge job are done
 * after commit by this context's listeners.
 */
@Injectable()
export class TenantLifecycleService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly events: EventBus,
    private readonly context: RequestContext,
    private readonly uow: UnitOfWork,
    private readonly audit: AuditService,
    private readonly erasers: TenantDataErasers,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** @throws NotFoundError | ConflictError `tenant_deleted` | `tenant_already_suspended` */
  async suspend(tenantId: string, reason: string): Promise<Tenant> {
    const tenant = await this.lockLive(tenantId);
    if (tenant.status === 'suspended') throw new ConflictError('tenant_already_suspended', `Tenant ${tenantId} is already suspended.`);
    const suspendedAt = new Date();
    const updated = await this.change(tenant, { status: 'suspended', suspendedReason: reason, suspendedAt });
    await this.events.publish(new TenantSuspendedEvent(tenantId, { tenantId, slug: tenant.slug, reason, suspendedAt: suspendedAt.toISOString() }));
    return updated;
  }

  /** @throws NotFoundError | ConflictError `tenant_deleted` | `tenant_not_suspended` */
  async activate(tenantId: string, reason: string | undefined): Promise<Tenant> {
    const tenant = await this.lockLive(tenantId);
    if (tenant.status !== 'suspended') throw new ConflictError('tenant_not_suspended', `Tenant ${tenantId} is not suspended.`);
    const updated = await this.change(tenant, { status: 'active', suspendedReason: null, suspendedAt: null });
    await this.events.publish(new TenantActivatedEvent(tenantId, { tenantId, slug: tenant.slug, reason: reason ?? null }));
    if (reason) this.context.noteAudit({ metadata: { reason } });
    return updated;
  }

  /**
   * Soft delete: status deleted, purge after TENANT_PURGE_GRACE_DAYS. A suspension in force is
   * kept (suspendedAt) so that a restore brings it back.
   * @throws NotFoundError | ConflictError `tenant_already_deleted`
   */
  async delete(tenantId: string): Promise<TenantDeletionDto> {
    const tenant = await lockTenant(this.txHost.tx, tenantId);
    if (tenant.status === 'deleted') throw new ConflictError('tenant_already_deleted', `Tenant ${tenantId} is already deleted; restore it or wait for the purge.`);
    const deletedAt = new Date();
    const purgeAfter = new Date(deletedAt.getTime() + this.config.tenantPurgeGraceDays * DAY_MS);
    await this.change(tenant, { status: 'deleted', deletedAt, purgeAfter });
    await this.events.publish(
      new TenantDeletedEvent(tenantId, { tenantId, slug: tenant.slug, deletedAt: deletedAt.toISOString(), purgeAfter: purgeAfter.toISOString() }),
    );
    return { id: tenantId, status: 'deleted', deletedAt: deletedAt.toISOString(), purgeAfter: purgeAfter.toISOString() };
  }

  /**
   * Undoes a soft delete within the grace period; the tenant comes back suspended if it was
   * suspended when deleted, else active.
   * @throws NotFoundError | ConflictError `tenant_not_deleted` | `tenant_grace_period_over`
   */
  async restore(tenantId: string): Promise<Tenant> {
    const tenant = await lockTenant(this.txHost.tx, tenantId);
    if (tenant.status !== 'deleted' || !tenant.deletedAt) throw new ConflictError('tenant_not_deleted', `Tenant ${tenantId} is not deleted.`);
    if (tenant.purgeAfter && tenant.purgeAfter.getTime() <= Date.now()) {
      throw new ConflictError('tenant_grace_period_over', `The grace period of tenant ${tenantId} ended at ${tenant.purgeAfter.toISOString()}; it is being purged.`);
    }
    const status = tenant.suspendedAt ? 'suspended' : 'active';
    const updated = await this.change(tenant, { status, deletedAt: null, purgeAfter: null });
    await this.events.publish(new TenantRestoredEvent(tenantId, { tenantId, slug: tenant.slug, status, previousDeletedAt: tenant.deletedAt.toISOString() }));
    return updated;
  }

  /**
   * Erases a deleted tenant's data once its grace period is over, in one transaction with its
   * audit row (`tenants.purge`, `metadata.deletedRows` = rows deleted per table) and tenant.purged.
   * Every context erases its own tables through its `@ErasesTenantData` provider, found by
   * discovery (docs/adr/0008); the tenants row, locked FOR UPDATE first, is deleted last. Audit
   * rows and outbox events of the tenant are retained. Returns false (and does nothing) when the
   * tenant was restored, already purged, or is not yet due. Called by the purge job; safe to run
   * twice. A failing eraser rolls the whole purge back (the job retries).
   */
  async purge(tenantId: string): Promise<boolean> {
    return this.uow.run(async () => {
      const tx = this.txHost.tx;
      const due: { slug: string; deleted_at: Date }[] = await tx.query(
        `SELECT slug, deleted_at FROM tenants WHERE id = $1 AND status = 'deleted' AND purge_after <= now() FOR UPDATE`,
        [tenantId],
      );
      if (!due.length) return false;
      const deletedRows = await this.erasers.eraseAll(tenantId);
      const tenants = tx.getRepository(Tenant);
      deletedRows[tenants.metadata.tableName] = (await tenants.delete({ id: tenantId })).affected ?? 0;
      const { slug, deleted_at: deletedAt } = due[0];
      await this.events.publish(
        new TenantPurgedEvent(tenantId, { tenantId, slug, deletedAt: new Date(deletedAt).toISOString(), purgedAt: new Date().toISOString() }),
      );
      await this.audit.record(
        { channel: 'job', action: 'tenants.purge', module: 'tenants', resourceType: 'tenant', resourceId: tenantId, tenantId, metadata: { slug, deletedRows } },
        tx,
      );
      return true;
    });
  }

  /** Locks a tenant that is not deleted. @throws NotFoundError | ConflictError `tenant_deleted` */
  private async lockLive(tenantId: string): Promise<Tenant> {
    const tenant = await lockTenant(this.txHost.tx, tenantId);
    if (tenant.status === 'deleted') throw new ConflictError('tenant_deleted', `Tenant ${tenantId} is deleted; restore it first.`);
    return tenant;
  }

  /** Applies `changes` to a locked tenant, notes before/after for the audit row, returns the new state. */
  private async change(tenant: Tenant, changes: Partial<Tenant>): Promise<Tenant> {
    const repo = this.txHost.tx.getRepository(Tenant);
    await repo.update({ id: tenant.id }, changes);
    const updated = await repo.findOneByOrFail({ id: tenant.id });
    const fields = Object.keys(changes) as (keyof Tenant)[];
    this.context.noteAudit({
      tenantId: tenant.id,
      resourceId: tenant.id,
      resourceType: 'tenant',
      before: Object.fromEntries(fields.map((f) => [f, tenant[f]])),
      after: Object.fromEntries(fields.map((f) => [f, updated[f]])),
    });
    return updated;
  }
}
