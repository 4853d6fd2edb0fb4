import { ErasedRows, ErasesPersonalData, PersonalDataEraser, PersonalDataSection, personalDataSection, PersonalDataSubject } from '../../common/tenancy';
import { AuditService } from '../audit';

/** The audit context's authorised pseudonymisation of one person (AuditService, docs/adr/0029). */
interface AuthorisedAuditPseudonymisation {
  pseudonymiseActor(tenantId: string | null, person: { actorId: string | null; email: string; names?: readonly string[] }, replacement: string): Promise<number>;
}

/**
 * THE one place where a compliance erasure changes audit rows: the pseudonymisation of the
 * subject's people (GDPR Art. 17(3)(b) and (e): the trail is kept as evidence, its people made
 * unidentifiable; Art. 4(5)). For each principal it calls the audit context's authorised
 * pseudonymisation (`AuditService.pseudonymiseActor`, docs/adr/0029): in the rows of the subject's
 * tenant, the rows the person acted in get the pseudonym as actor email and lose IP and user
 * agent, and the person's email and names inside `changes` / `metadata` are replaced — only those
 * personal columns, under the append-only trigger's pseudonymisation allowance, with the hash
 * chain still verifiable (its `personal_digest` stays as inserted, the rows are marked
 * `pseudonymised_at`). Idempotent. Runs in the caller's transaction. Returns the rows changed.
 */
export async function pseudonymiseAuditTrail(audit: AuditService, subject: PersonalDataSubject): Promise<number> {
  const authorised = audit as unknown as Partial<AuthorisedAuditPseudonymisation>;
  // Fail closed (the job fails, nothing is half-claimed as erased) on a build whose audit context lacks it.
  if (typeof authorised.pseudonymiseActor !== 'function') throw new Error('the audit context offers no authorised pseudonymisation (AuditService.pseudonymiseActor, docs/adr/0029)');
  let changed = 0;
  for (const p of subject.principals) changed += await authorised.pseudonymiseActor(subject.tenantId, { actorId: p.id, email: p.email, names: p.names }, p.pseudonym);
  return changed;
}

/**
 * The audit trail under the personal data port, kept in the compliance context (the audit
 * context owns the table and the pseudonymisation itself): archive rows are the tenant's audit rows (kind
 * tenant) or those the person acted in (kind person); erasure is {@link pseudonymiseAuditTrail}.
 */
@ErasesPersonalData('audit')
export class AuditTrailPersonalData implements PersonalDataEraser {
  constructor(private readonly audit: AuditService) {}

  sections(subject: PersonalDataSubject): PersonalDataSection[] {
    const order = { order: 't.occurred_at, t.id' };
    if (subject.kind === 'tenant') return [personalDataSection('audit.audit_logs', 'audit_logs', 't.tenant_id = $1', [subject.tenantId], order)];
    const ids = subject.principals.map((p) => p.id).filter((id): id is string => !!id);
    const emails = subject.principals.map((p) => p.email);
    return [personalDataSection('audit.audit_logs', 'audit_logs', 't.tenant_id = $1 AND (t.actor_id = ANY($2::uuid[]) OR lower(t.actor_email) = ANY($3::text[]))', [subject.tenantId, ids, emails], order)];
  }

  /** Audit rows pseudonymised. */
  async erase(subject: PersonalDataSubject): Promise<ErasedRows> {
    return { audit_logs: await pseudonymiseAuditTrail(this.audit, subject) };
  }
}
