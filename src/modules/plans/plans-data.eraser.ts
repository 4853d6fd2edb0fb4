import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { deleteTenantRows, ErasedRows, ErasesTenantData, TenantDataEraser } from '../../common/tenancy';
import { TenantQuota } from './entities/tenant-quota.entity';

/**
 * Erases a purged tenant's quota (plan assignment, overrides, billing status; docs/adr/0008). The
 * plan catalog is platform-wide and stays. Runs in the purge's transaction.
 */
@ErasesTenantData('plans')
export class PlansDataEraser implements TenantDataEraser {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** Rows deleted from tenant_quotas. */
  erase(tenantId: string): Promise<ErasedRows> {
    return deleteTenantRows(this.txHost.tx, tenantId, [TenantQuota]);
  }
}
