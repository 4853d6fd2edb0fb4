import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { deleteTenantRows, ErasedRows, ErasesTenantData, TenantDataEraser } from '../../common/tenancy';
import { TenantNote } from './entities/tenant-note.entity';

/**
 * Erases the tenants context's own tenant-owned rows (support notes; docs/adr/0008). The `tenants`
 * row itself is not erased here: the purge holds it `FOR UPDATE` and deletes it last, after every
 * context's eraser ran (TenantLifecycleService.purge).
 */
@ErasesTenantData('tenants')
export class TenantsDataEraser implements TenantDataEraser {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** Rows deleted from tenant_notes. */
  erase(tenantId: string): Promise<ErasedRows> {
    return deleteTenantRows(this.txHost.tx, tenantId, [TenantNote]);
  }
}
