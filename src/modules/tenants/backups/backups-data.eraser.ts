import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { UnitOfWork } from '../../../common/events';
import { ExportStorage } from '../../../common/exports';
import { deleteTenantRows, ErasedRows, ErasesTenantData, TenantDataEraser } from '../../../common/tenancy';
import { TenantScopedRepository } from '../../../database/tenant-scoped.repository';
import { TenantBackup } from './tenant-backup.entity';
import { TenantRestore } from './tenant-restore.entity';
import { backupFileKey } from './tenant-backups.service';

/** Erases a purged tenant's backup and restore records (docs/adr/0008), and their files once the purge commits. */
@ErasesTenantData('tenant-backups')
export class TenantBackupsDataEraser implements TenantDataEraser {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly storage: ExportStorage,
    private readonly uow: UnitOfWork,
  ) {}

  /** Rows deleted from tenant_backups and tenant_restores. */
  async erase(tenantId: string): Promise<ErasedRows> {
    const backups = await new TenantScopedRepository(this.txHost.tx, TenantBackup, tenantId).find({ select: { id: true, fileKey: true } });
    const restores = await new TenantScopedRepository(this.txHost.tx, TenantRestore, tenantId).find({ select: { id: true, fileKey: true } });
    const erased = await deleteTenantRows(this.txHost.tx, tenantId, [TenantBackup, TenantRestore]);
    await this.uow.afterCommit(async () => {
      for (const b of backups) await this.storage.remove(b.fileKey ?? backupFileKey(b.id));
      for (const r of restores) await this.storage.remove(r.fileKey);
    });
    return erased;
  }
}
