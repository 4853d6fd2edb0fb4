import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { EnvelopeOf, OnEvent } from '../../../common/events';
import { AlertOpenedEvent } from '../events';

/**
 * Tells the staff of an alert rule's recipient roles that an alert opened (staff in-app
 * notifications; idempotent on the event id: a re-dispatch notifies nobody twice).
 */
@Injectable()
export class StaffAlertNotifications {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  @OnEvent(AlertOpenedEvent, 'notifications.alert-opened', { deferred: true })
  async onAlertOpened(e: EnvelopeOf<typeof AlertOpenedEvent>): Promise<void> {
    const severity = e.payload.severity === 'critical' ? 'critical' : e.payload.severity === 'info' ? 'info' : 'warning';
    await this.txHost.tx.query(
      `INSERT INTO staff_notifications (recipient_id, tenant_id, type, title, body, severity, resource_type, resource_id, event_id, created_at)
       SELECT s.id, $1, 'alert.opened', $2, $3, $4, 'alert', $5, $6, $7 FROM staff_members s WHERE s.is_active AND s.role = ANY($8::text[])
       ON CONFLICT (event_id, recipient_id) DO NOTHING`,
      [e.tenantId, e.payload.title, e.payload.detail, severity, e.payload.alertId, e.eventId, new Date(e.occurredAt), e.payload.recipientRoles],
    );
  }
}
