import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { QuotaReservation, UsageEventKey, UsageGauge, UsageThresholdState } from './metering/metering.entity';
import { deleteTenantRows, ErasedRows, ErasesTenantData, TenantDataEraser } from '../../common/tenancy';
import { TenantUsageSnapshot } from './entities/tenant-usage-snapshot.entity';
import { TenantUsage } from './entities/tenant-usage.entity';
import { UsageCounter } from './entities/usage-counter.entity';

/** Erases a purged tenant's usage account, counters and daily snapshots (docs/adr/0008), in the purge's transaction. */
@ErasesTenantData('usage')
export class UsageDataEraser implements TenantDataEraser {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** Rows deleted from the metering tables (reservations, event keys, events, threshold states), tenant_usage_snapshots, usage_counters and tenant_usage. */
  async erase(tenantId: string): Promise<ErasedRows> {
    // usage_events is partitioned by month (no entity: TypeORM cannot describe partitions); one DELETE reaches every partition.
    const [, events]: [unknown, number] = await this.txHost.tx.query(`DELETE FROM usage_events WHERE tenant_id = $1`, [tenantId]);
    const rows = await deleteTenantRows(this.txHost.tx, tenantId, [QuotaReservation, UsageEventKey, UsageThresholdState, UsageGauge, TenantUsageSnapshot, UsageCounter, TenantUsage]);
    return { usage_events: events, ...rows };
  }
}
