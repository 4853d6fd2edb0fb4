import { ErasedRows, ErasesPersonalData, PersonalDataEraser, PersonalDataSection, personalDataSection, PersonalDataSubject } from '../../common/tenancy';

/**
 * Usage in a GDPR archive (GDPR Art. 15/20): a tenant's usage totals and counters. They hold no
 * personal data, so erasure changes nothing here (the purge deletes them with the tenant).
 */
@ErasesPersonalData('usage')
export class UsagePersonalDataEraser implements PersonalDataEraser {
  sections(subject: PersonalDataSubject): PersonalDataSection[] {
    if (subject.kind === 'person') return [];
    return [
      personalDataSection('usage.tenant_usage', 'tenant_usage', 't.tenant_id = $1', [subject.tenantId], { order: 't.tenant_id' }),
      personalDataSection('usage.usage_counters', 'usage_counters', 't.tenant_id = $1', [subject.tenantId], { order: 't.period_start, t.metric' }),
    ];
  }

  /** Nothing to erase: no personal data. */
  async erase(): Promise<ErasedRows> {
    return {};
  }
}
