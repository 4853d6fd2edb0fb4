import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { UnitOfWork } from '../../common/events';
import { ExportStorage } from '../../common/exports';
import { deleteTenantRows, ErasedRows, ErasesTenantData, TenantDataEraser } from '../../common/tenancy';
import { ComplianceRequest } from './entities/compliance-request.entity';

/**
 * Erases a purged tenant's compliance requests, and their archives once the purge commits
 * (docs/adr/0008). What each request did stays on the audit trail, which outlives the tenant.
 */
@ErasesTenantData('compliance')
export class ComplianceDataEraser implements TenantDataEraser {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly storage: ExportStorage,
    private readonly uow: UnitOfWork,
  ) {}

  /** Rows deleted from compliance_requests. */
  async erase(tenantId: string): Promise<ErasedRows> {
    const files: { archive_key: string }[] = await this.txHost.tx.query(`SELECT archive_key FROM compliance_requests WHERE tenant_id = $1 AND archive_key IS NOT NULL AND archive_purged_at IS NULL`, [tenantId]);
    const erased = await deleteTenantRows(this.txHost.tx, tenantId, [ComplianceRequest]);
    await this.uow.afterCommit(async () => {
      for (const f of files) await this.storage.remove(f.archive_key);
    });
    return erased;
  }
}
