import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ErasedRows, ErasesPersonalData, PersonalDataEraser, PersonalDataSection, personalDataSection, PersonalDataSubject, scrubTextSql } from '../../../common/tenancy';

/**
 * Outbound webhooks' personal data (GDPR Art. 15/17/20): the event payloads already sent or
 * queued to the tenant's endpoints (a user.created body names the user) and the recorded attempts.
 * Export (tenant-wide): the endpoints without secrets or header values. Erasure: a tenant-wide
 * erasure deletes the tenant's messages and attempts and disables its endpoints, clearing their
 * stored headers (they may carry a person's credentials); a person's erasure scrubs their email
 * and name from the bodies of messages and attempts.
 */
@ErasesPersonalData('integrations.webhooks')
export class WebhooksPersonalDataEraser implements PersonalDataEraser {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  sections(subject: PersonalDataSubject): PersonalDataSection[] {
    if (subject.kind === 'person') return [];
    return [personalDataSection('integrations.webhook_endpoints', 'webhook_endpoints', 't.tenant_id = $1', [subject.tenantId], { omit: ['secret', 'previous_secret', 'headers'] })];
  }

  /** Rows deleted or scrubbed in webhook_attempts and webhook_messages; endpoints disabled. */
  async erase(subject: PersonalDataSubject): Promise<ErasedRows> {
    const tx = this.txHost.tx;
    if (subject.kind === 'tenant') {
      const [, attempts]: [unknown, number] = await tx.query(`DELETE FROM webhook_attempts WHERE tenant_id = $1`, [subject.tenantId]);
      const [, messages]: [unknown, number] = await tx.query(`DELETE FROM webhook_messages WHERE tenant_id = $1`, [subject.tenantId]);
      const [, endpoints]: [unknown, number] = await tx.query(
        `UPDATE webhook_endpoints SET enabled = false, disabled_at = coalesce(disabled_at, now()), headers = '[]'::jsonb, updated_at = now()
         WHERE tenant_id = $1 AND (enabled OR headers <> '[]'::jsonb)`,
        [subject.tenantId],
      );
      return { webhook_attempts: attempts, webhook_messages: messages, webhook_endpoints: endpoints };
    }
    const mp: unknown[] = [subject.tenantId];
    const body = scrubTextSql('body', subject.principals, mp);
    const [, messages]: [unknown, number] = await tx.query(`UPDATE webhook_messages SET body = ${body}, updated_at = now() WHERE tenant_id = $1 AND body <> ${body}`, mp);
    const ap: unknown[] = [subject.tenantId];
    const req = scrubTextSql('request_body', subject.principals, ap);
    const res = scrubTextSql(`coalesce(response_body, '')`, subject.principals, ap);
    const [, attempts]: [unknown, number] = await tx.query(
      `UPDATE webhook_attempts SET request_body = ${req}, response_body = CASE WHEN response_body IS NULL THEN NULL ELSE ${res} END
       WHERE tenant_id = $1 AND (request_body <> ${req} OR coalesce(response_body, '') <> ${res})`,
      ap,
    );
    return { webhook_attempts: attempts, webhook_messages: messages, webhook_endpoints: 0 };
  }
}
