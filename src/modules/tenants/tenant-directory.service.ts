import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { TenantBillingContact, TenantDirectory, TenantRef } from '../../common/tenancy';
import { Tenant } from './entities/tenant.entity';

/** Adapter of the {@link TenantDirectory} port, reading the tenants table in the current transaction. */
@Injectable()
export class TenantDirectoryService extends TenantDirectory {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
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

  private toRef(t: Tenant | null): TenantRef | null {
    return t ? { id: t.id, slug: t.slug, name: t.name, status: t.status } : null;
  }
}
