import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { deleteTenantRows, ErasedRows, ErasesTenantData, TenantDataEraser } from '../../common/tenancy';
import { TenantUsageSnapshot } from './entities/tenant-usage-snapshot.entity';
import { TenantUsage } from './entities/tenant-usage.entity';
import { UsageCounter } from './entities/usage-counter.entity';

/** Erases a purged tenant's usage account, counters and daily snapshots (docs/adr/0008), in the purge's transaction. */
@ErasesTenantData('usage')
export class UsageDataEraser implements TenantDataEraser {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** Rows deleted from tenant_usage_snapshots, usage_counters and tenant_usage. */
  erase(tenantId: string): Promise<ErasedRows> {
    return deleteTenantRows(this.txHost.tx, tenantId, [TenantUsageSnapshot, UsageCounter, TenantUsage]);
  }
}
