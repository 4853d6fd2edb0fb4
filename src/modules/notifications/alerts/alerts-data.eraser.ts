import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { deleteTenantRows, ErasedRows, ErasesTenantData, TenantDataEraser } from '../../../common/tenancy';
import { Alert } from './alert.entity';

/** Erases a purged tenant's alerts (docs/adr/0008), in the purge's transaction. */
@ErasesTenantData('notifications.alerts')
export class AlertsDataEraser implements TenantDataEraser {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** Rows deleted from alerts. */
  erase(tenantId: string): Promise<ErasedRows> {
    return deleteTenantRows(this.txHost.tx, tenantId, [Alert]);
  }
}
