import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { deleteTenantRows, ErasedRows, ErasesTenantData, TenantDataEraser } from '../../../common/tenancy';
import { TenantHealthSnapshot } from './tenant-health-snapshot.entity';

/** Erases a purged tenant's health snapshots (docs/adr/0008), in the purge's transaction. */
@ErasesTenantData('notifications.tenant-health')
export class HealthDataEraser implements TenantDataEraser {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** Rows deleted from tenant_health_snapshots. */
  erase(tenantId: string): Promise<ErasedRows> {
    return deleteTenantRows(this.txHost.tx, tenantId, [TenantHealthSnapshot]);
  }
}
