import './errors';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ErasedRows, ErasesPersonalData, PersonalDataEraser, PersonalDataSection, personalDataSection, PersonalDataSubject } from '../../common/tenancy';

/**
 * Partners' personal data (GDPR Art. 15/17/20): a partner's contact email. Export: the tenant's
 * partners and their API keys without key hashes (prefixes only). Erasure: the contact email of
 * the person (or, tenant-wide, of every partner) is cleared; partners and keys stay until the purge.
 */
@ErasesPersonalData('integrations.partners')
export class PartnersPersonalDataEraser implements PersonalDataEraser {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  sections(subject: PersonalDataSubject): PersonalDataSection[] {
    if (subject.kind === 'person') return [personalDataSection('integrations.partners', 'partners', 't.tenant_id = $1 AND lower(t.contact_email) = $2', [subject.tenantId, subject.email])];
    return [
      personalDataSection('integrations.partners', 'partners', 't.tenant_id = $1', [subject.tenantId]),
      personalDataSection('integrations.partner_api_keys', 'partner_api_keys', 't.tenant_id = $1', [subject.tenantId], { omit: ['key_hash'] }),
    ];
  }

  /** Partners whose contact email was cleared. */
  async erase(subject: PersonalDataSubject): Promise<ErasedRows> {
    const [, n]: [unknown, number] = await this.txHost.tx.query(
      `UPDATE partners SET contact_email = NULL, updated_at = now() WHERE tenant_id = $1 AND contact_email IS NOT NULL AND ($2::text IS NULL OR lower(contact_email) = $2)`,
      [subject.tenantId, subject.kind === 'person' ? subject.email : null],
    );
    return { partners: n };
  }
}
