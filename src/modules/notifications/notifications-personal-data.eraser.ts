import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ErasedRows, ErasesPersonalData, PersonalDataEraser, PersonalDataSection, personalDataSection, PersonalDataSubject, scrubTextSql } from '../../common/tenancy';

/**
 * Notifications' personal data (GDPR Art. 15/17/20): the people's in-app inboxes and preferences,
 * rules that name them as recipients, and notification texts that mention them. Erasure: their
 * inbox rows and preferences are deleted, their ids removed from the rules' recipients, and their
 * email and name scrubbed from the other notifications about the tenant (staff inboxes included).
 */
@ErasesPersonalData('notifications')
export class NotificationsPersonalDataEraser implements PersonalDataEraser {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  sections(subject: PersonalDataSubject): PersonalDataSection[] {
    const ids = userIds(subject);
    return [
      personalDataSection('notifications.tenant_notifications', 'tenant_notifications', 't.tenant_id = $1 AND t.recipient_id = ANY($2::uuid[])', [subject.tenantId, ids]),
      personalDataSection('notifications.notification_preferences', 'notification_preferences', 't.tenant_id = $1 AND t.recipient_id = ANY($2::uuid[])', [subject.tenantId, ids], { order: 't.recipient_id' }),
    ];
  }

  /** Rows deleted from tenant_notifications and notification_preferences; rules and texts changed. */
  async erase(subject: PersonalDataSubject): Promise<ErasedRows> {
    const tx = this.txHost.tx;
    const ids = userIds(subject);
    const [, inbox]: [unknown, number] = await tx.query(`DELETE FROM tenant_notifications WHERE tenant_id = $1 AND recipient_id = ANY($2::uuid[])`, [subject.tenantId, ids]);
    const [, prefs]: [unknown, number] = await tx.query(`DELETE FROM notification_preferences WHERE tenant_id = $1 AND recipient_id = ANY($2::uuid[])`, [subject.tenantId, ids]);
    const [, rules]: [unknown, number] = await tx.query(
      `UPDATE notification_rules SET recipient_user_ids = ARRAY(SELECT u FROM unnest(recipient_user_ids) u WHERE u <> ALL($2::uuid[])), updated_at = now()
       WHERE tenant_id = $1 AND recipient_user_ids && $2::uuid[]`,
      [subject.tenantId, ids],
    );
    let texts = 0;
    for (const table of ['tenant_notifications', 'staff_notifications'] as const) {
      const params: unknown[] = [subject.tenantId];
      const title = scrubTextSql('title', subject.principals, params);
      const body = scrubTextSql('body', subject.principals, params);
      const [, n]: [unknown, number] = await tx.query(`UPDATE ${table} SET title = ${title}, body = ${body} WHERE tenant_id = $1 AND (title <> ${title} OR body <> ${body})`, params);
      texts += n;
    }
    return { tenant_notifications: inbox, notification_preferences: prefs, notification_rules: rules, staff_notifications: texts };
  }
}

function userIds(subject: PersonalDataSubject): string[] {
  return subject.principals.map((p) => p.id).filter((id): id is string => !!id);
}
