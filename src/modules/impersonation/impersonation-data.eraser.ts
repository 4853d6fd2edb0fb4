import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { deleteTenantRows, ErasedRows, ErasesTenantData, TenantDataEraser } from '../../common/tenancy';
import { ImpersonationSession } from './entities/impersonation-session.entity';

/**
 * Erases a purged tenant's impersonation sessions (docs/adr/0008). What staff did under them stays
 * in the audit trail, which is retained. Runs in the purge's transaction.
 */
@ErasesTenantData('impersonation')
export class ImpersonationDataEraser implements TenantDataEraser {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** Rows deleted from impersonation_sessions. */
  erase(tenantId: string): Promise<ErasedRows> {
    return deleteTenantRows(this.txHost.tx, tenantId, [ImpersonationSession]);
  }
}
