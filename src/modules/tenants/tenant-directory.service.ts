import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { EventBus } from '../../common/events';
import { NotFoundError } from '../../common/errors';
import { TenantBillingContact, TenantDirectory, TenantRef } from '../../common/tenancy';
import { Tenant } from './entities/tenant.entity';
import { TenantUpdatedEvent } from './events/tenant.events';
import { lockTenant } from './tenant-lock';

/** Adapter of the {@link TenantDirectory} port, reading the tenants table in the current transaction. */
@Injectable()
export class TenantDirectoryService extends TenantDirectory {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly events: EventBus,
  ) {
    super();
  }

  async findBySlug(slug: string): Promise<TenantRef | null> {
    return this.toRef(await this.txHost.tx.getRepository(Tenant).findOne({ where: { slug } }));
  }

  async findById(id: string, opts: { lockForShare?: boolean } = {}): Promise<TenantRef | null> {
    const qb = this.txHost.tx.getRepository(Tenant).createQueryBuilder('t').where('t.id = :id', { id });
    if (opts.lockForShare) qb.setLock('pessimistic_read');
    return this.toRef(await qb.getOne());
  }

  async billingContact(id: string): Promise<TenantBillingContact | null> {
    const t = await this.txHost.tx.getRepository(Tenant).findOne({ where: { id } });
    return t ? { name: t.name, contactEmail: t.contactEmail, billingEmail: t.billingEmail, contactPhone: t.contactPhone, locale: t.locale, currency: t.currency } : null;
  }

  /** @throws NotFoundError `tenant_not_found` (also for a deleted tenant) */
  async updateBillingContact(id: string, patch: Partial<Pick<TenantBillingContact, 'billingEmail' | 'contactEmail' | 'contactPhone'>>): Promise<TenantBillingContact> {
    const tx = this.txHost.tx;
    const tenant = await lockTenant(tx, id);
    if (tenant.status === 'deleted') throw new NotFoundError('Tenant', id);
    const changes = Object.fromEntries(Object.entries(patch).filter(([k, v]) => v !== undefined && v !== tenant[k as keyof Tenant])) as Partial<Tenant>;
    const changed = Object.keys(changes);
    if (changed.length) {
      // The entity's @VersionColumn bumps the version (the tenant's ETag).
      await tx.getRepository(Tenant).update({ id }, changes);
      const updated = await tx.getRepository(Tenant).findOneByOrFail({ id });
      await this.events.publish(new TenantUpdatedEvent(id, { tenantId: id, slug: updated.slug, changed, version: updated.version }));
    }
    return (await this.billingContact(id))!;
  }

  private toRef(t: Tenant | null): TenantRef | null {
    return t ? { id: t.id, slug: t.slug, name: t.name, status: t.status } : null;
  }
}
