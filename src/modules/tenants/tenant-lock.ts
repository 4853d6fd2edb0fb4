import type { EntityManager } from 'typeorm';
import { NotFoundError } from '../../common/errors';
import { Tenant } from './entities/tenant.entity';

/**
 * Reads a tenant with `SELECT ... FOR UPDATE` in the caller's transaction, so checks on its
 * status or version and the change that follows cannot interleave with another writer.
 * @throws NotFoundError `tenant_not_found`
 */
export async function lockTenant(tx: EntityManager, tenantId: string): Promise<Tenant> {
  const tenant = await tx.getRepository(Tenant).createQueryBuilder('t').setLock('pessimistic_write').where('t.id = :tenantId', { tenantId }).getOne();
  if (!tenant) throw new NotFoundError('Tenant', tenantId);
  return tenant;
}
