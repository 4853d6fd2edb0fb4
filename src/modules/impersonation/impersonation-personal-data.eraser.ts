import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ErasedRows, ErasesPersonalData, PersonalDataEraser, PersonalDataSection, personalDataSection, PersonalDataSubject, scrubTextSql } from '../../common/tenancy';

/**
 * Impersonation sessions' personal data (GDPR Art. 15/17/20): the impersonated user's email and
 * the staff's reason, which may name them. The sessions stay (a security record of staff access,
 * with the target's id) with the target email pseudonymised and the reason scrubbed.
 */
@ErasesPersonalData('impersonation')
export class ImpersonationPersonalDataEraser implements PersonalDataEraser {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  sections(subject: PersonalDataSubject): PersonalDataSection[] {
    const ids = subject.principals.map((p) => p.id).filter((id): id is string => !!id);
    return [personalDataSection('impersonation.impersonation_sessions', 'impersonation_sessions', 't.tenant_id = $1 AND t.target_user_id = ANY($2::uuid[])', [subject.tenantId, ids])];
  }

  /** Sessions whose target email or reason changed. */
  async erase(subject: PersonalDataSubject): Promise<ErasedRows> {
    let changed = 0;
    for (const p of subject.principals) {
      if (!p.id) continue;
      const [, n]: [unknown, number] = await this.txHost.tx.query(
        `UPDATE impersonation_sessions SET target_user_email = $3, updated_at = now() WHERE tenant_id = $1 AND target_user_id = $2 AND target_user_email <> $3`,
        [subject.tenantId, p.id, p.pseudonym],
      );
      changed += n;
    }
    const params: unknown[] = [subject.tenantId];
    const reason = scrubTextSql('reason', subject.principals, params);
    const [, n]: [unknown, number] = await this.txHost.tx.query(`UPDATE impersonation_sessions SET reason = ${reason}, updated_at = now() WHERE tenant_id = $1 AND reason <> ${reason}`, params);
    return { impersonation_sessions: changed + n };
  }
}
