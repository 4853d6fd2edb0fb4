import { BillingModule } from '../billing';
import { BullModule } from '@nestjs/bull';
import { Global, Module, OnApplicationBootstrap } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdempotencyModule } from '../../common/http';
import { TenancyModule, TenantDirectory } from '../../common/tenancy';
import { AuditModule } from '../audit';
import { IamModule } from '../iam';
import { PlansModule } from '../plans';
import { UsageModule } from '../usage';
import { AdminTenantNotesController } from './admin-tenant-notes.controller';
import { AdminTenantsController } from './admin-tenants.controller';
import { BackupFilesPurge, BackupFilesPurgeProcessor, TENANT_BACKUPS_QUEUE } from './backups/backup-files.purge';
import { TenantBackupsDataEraser } from './backups/backups-data.eraser';
import { SettingsBackupSection } from './backups/settings.backup-section';
import { SubscriptionsBackupSection } from './backups/subscriptions.backup-section';
import { TenantBackup } from './backups/tenant-backup.entity';
import { TenantBackupsController, TenantRestoresController } from './backups/tenant-backups.controller';
import { TenantBackupsService } from './backups/tenant-backups.service';
import { TenantRestore } from './backups/tenant-restore.entity';
import { TenantRestoresService } from './backups/tenant-restores.service';
import { AdminTenantBulkController } from './bulk/admin-tenant-bulk.controller';
import { TenantBulkActions } from './bulk/tenant-bulk-actions.service';
import { TenantNote } from './entities/tenant-note.entity';
import { Tenant } from './entities/tenant.entity';
import { TenantPurgeProcessor } from './jobs/tenant-purge.processor';
import { TENANTS_QUEUE } from './jobs/tenants-queue';
import { SchedulePurgeWhenTenantDeletedListener } from './listeners/schedule-purge-when-tenant-deleted.listener';
import { SyncAccessWhenTenantLifecycleChangesListener } from './listeners/sync-access-when-tenant-lifecycle-changes.listener';
import { TenantAccessState } from './tenant-access-state.service';
import { TenantAdminResetService } from './tenant-admin-reset.service';
import { TenantDirectoryService } from './tenant-directory.service';
import { TenantLifecycleService } from './tenant-lifecycle.service';
import { TenantNotesService } from './tenant-notes.service';
import { TenantProfileController } from './tenant-profile.controller';
import { TenantProfileService } from './tenant-profile.service';
import { TenantProvisioningService } from './tenant-provisioning.service';
import { TenantQueries } from './tenant-queries.service';
import { TenantsDataEraser } from './tenants-data.eraser';
import { TenantsPersonalDataEraser } from './tenants-personal-data.eraser';
import { TenantsExportSource } from './tenants-export.source';

/**
 * Tenants context: provisioning, list and detail, profile and settings, lifecycle (suspend,
 * activate, soft delete, restore, purge), notes. Global only to provide the
 * {@link TenantDirectory} port to contexts that must not import this one (docs/adr/0002).
 * At boot it rebuilds the Redis suspension/revocation state and the purge jobs from PostgreSQL.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([Tenant, TenantNote, TenantBackup, TenantRestore]),
    BullModule.registerQueue({ name: TENANTS_QUEUE }, { name: TENANT_BACKUPS_QUEUE }),
    IdempotencyModule,
    TenancyModule,
    AuditModule,
    IamModule,
    PlansModule,
    UsageModule,
    BillingModule,
  ],
  // The bulk routes first: POST /admin/tenants/bulk/suspend must not be read as /admin/tenants/:tenantId/suspend.
  controllers: [AdminTenantBulkController, AdminTenantsController, AdminTenantNotesController, TenantProfileController, TenantBackupsController, TenantRestoresController],
  providers: [
    { provide: TenantDirectory, useClass: TenantDirectoryService },
    TenantProvisioningService,
    TenantQueries,
    TenantProfileService,
    TenantLifecycleService,
    TenantNotesService,
    TenantAdminResetService,
    TenantAccessState,
    TenantBulkActions,
    TenantsExportSource,
    TenantPurgeProcessor,
    SyncAccessWhenTenantLifecycleChangesListener,
    SchedulePurgeWhenTenantDeletedListener,
    TenantsDataEraser,
    TenantsPersonalDataEraser,
    TenantBackupsService,
    TenantRestoresService,
    SettingsBackupSection,
    SubscriptionsBackupSection,
    BackupFilesPurge,
    BackupFilesPurgeProcessor,
    TenantBackupsDataEraser,
  ],
  exports: [TenantDirectory],
})
export class TenantsModule implements OnApplicationBootstrap {
  constructor(private readonly accessState: TenantAccessState) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.accessState.rebuild();
  }
}
