import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ExportStorage } from '../../../common/exports';
import { JobRecord } from '../../../common/jobs';
import { UnitOfWork } from '../../../common/events';
import { deleteTenantRows, ErasedRows, ErasesTenantData, TenantDataEraser } from '../../../common/tenancy';
import { DataExport } from './data-export.entity';

/**
 * Erases a purged tenant's exports (records, and their files once the purge commits) and its
 * job records with their items (docs/adr/0008), in the purge's transaction.
 */
@ErasesTenantData('platform')
export class PlatformDataEraser implements TenantDataEraser {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly storage: ExportStorage,
    private readonly uow: UnitOfWork,
  ) {}

  /** Rows deleted from data_exports and jobs (job_items go with their jobs). */
  async erase(tenantId: string): Promise<ErasedRows> {
    const files: { id: string; file_key: string | null }[] = await this.txHost.tx.query(`SELECT id, file_key FROM data_exports WHERE tenant_id = $1 AND purged_at IS NULL`, [tenantId]);
    const erased = await deleteTenantRows(this.txHost.tx, tenantId, [DataExport, JobRecord]);
    await this.uow.afterCommit(async () => {
      for (const f of files) await this.storage.remove(f.file_key ?? `exports/${f.id}.csv`);
    });
    return erased;
  }
}
