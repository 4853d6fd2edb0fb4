import './errors';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { deleteTenantRows, ErasedRows, ErasesTenantData, TenantDataEraser } from '../../common/tenancy';
import { TenantNotification } from './entities/notification.entity';
import { NotificationRule } from './entities/notification-rule.entity';

/** Erases a purged tenant's notifications, rules, its users' preferences and the staff notifications about it (docs/adr/0008). */
@ErasesTenantData('notifications')
export class NotificationsDataEraser implements TenantDataEraser {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** Rows deleted from tenant_notifications, notification_rules, notification_preferences and staff_notifications. */
  async erase(tenantId: string): Promise<ErasedRows> {
    const rows = await deleteTenantRows(this.txHost.tx, tenantId, [TenantNotification, NotificationRule]);
    const [, prefs]: [unknown, number] = await this.txHost.tx.query(`DELETE FROM notification_preferences WHERE tenant_id = $1`, [tenantId]);
    // Staff notifications about the tenant (its alerts) go with it.
    const [, staff]: [unknown, number] = await this.txHost.tx.query(`DELETE FROM staff_notifications WHERE tenant_id = $1`, [tenantId]);
    return { ...rows, notification_preferences: prefs, staff_notifications: staff };
  }
}
