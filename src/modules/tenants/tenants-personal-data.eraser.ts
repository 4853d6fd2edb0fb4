import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import {
  ErasedRows,
  ErasesPersonalData,
  PersonalDataEraser,
  PersonalDataPrincipal,
  PersonalDataSection,
  personalDataSection,
  PersonalDataSubject,
  scrubTextSql,
} from '../../common/tenancy';
import { TenantLifecycleService } from './tenant-lifecycle.service';

/**
 * The tenants context's personal data (GDPR Art. 15/17/20): the tenant's contact fields and the
 * staff notes about it. A tenant-wide erasure deletes the tenant through its lifecycle (soft
 * delete: sign-in stops, tokens are revoked, the purge follows after the grace period) and
 * pseudonymises its profile at once — name, contact and billing email, phone — and deletes its
 * notes. A person's erasure scrubs their email and name from the notes and pseudonymises the
 * contact fields that are theirs.
 */
@ErasesPersonalData('tenants')
export class TenantsPersonalDataEraser implements PersonalDataEraser {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly lifecycle: TenantLifecycleService,
  ) {}

  /** The tenant's contact and billing addresses (people without an account, unless a user has the same email). */
  async identify(subject: Omit<PersonalDataSubject, 'principals'>): Promise<Omit<PersonalDataPrincipal, 'pseudonym'>[]> {
    const [row]: { contact_email: string; billing_email: string | null }[] = await this.txHost.tx.query(`SELECT contact_email, billing_email FROM tenants WHERE id = $1`, [subject.tenantId]);
    if (!row) return [];
    const emails = [row.contact_email, row.billing_email].filter((e): e is string => !!e).map((e) => e.toLowerCase());
    return [...new Set(emails)].filter((e) => subject.kind === 'tenant' || e === subject.email).map((email) => ({ id: null, email, names: [] }));
  }

  sections(subject: PersonalDataSubject): PersonalDataSection[] {
    if (subject.kind === 'tenant') {
      return [
        personalDataSection('tenants.tenants', 'tenants', 't.id = $1', [subject.tenantId]),
        personalDataSection('tenants.tenant_notes', 'tenant_notes', 't.tenant_id = $1', [subject.tenantId]),
      ];
    }
    return [personalDataSection('tenants.tenant_notes', 'tenant_notes', `t.tenant_id = $1 AND t.body ILIKE '%' || $2 || '%'`, [subject.tenantId, subject.email])];
  }

  /** Rows changed in tenants; notes deleted (tenant) or scrubbed (person). */
  async erase(subject: PersonalDataSubject): Promise<ErasedRows> {
    const tx = this.txHost.tx;
    const [tenant]: { status: string; contact_email: string; billing_email: string | null }[] = await tx.query(`SELECT status, contact_email, billing_email FROM tenants WHERE id = $1 FOR UPDATE`, [subject.tenantId]);
    if (!tenant) return { tenants: 0, tenant_notes: 0 };
    const pseudonymOf = (email: string | null) => (email ? (subject.principals.find((p) => p.email === email.toLowerCase())?.pseudonym ?? null) : null);
    if (subject.kind === 'tenant') {
      if (tenant.status !== 'deleted') await this.lifecycle.delete(subject.tenantId);
      const contact = pseudonymOf(tenant.contact_email);
      const [, changed]: [unknown, number] = await tx.query(
        `UPDATE tenants SET name = 'Erased tenant ' || left(md5(id::text), 8), contact_email = coalesce($2, contact_email), billing_email = $3, contact_phone = NULL,
                            suspended_reason = NULL, version = version + 1, updated_at = now()
         WHERE id = $1 AND (contact_email IS DISTINCT FROM coalesce($2, contact_email) OR billing_email IS DISTINCT FROM $3 OR contact_phone IS NOT NULL OR name NOT LIKE 'Erased tenant %')`,
        [subject.tenantId, contact, pseudonymOf(tenant.billing_email)],
      );
      const [, notes]: [unknown, number] = await tx.query(`DELETE FROM tenant_notes WHERE tenant_id = $1`, [subject.tenantId]);
      return { tenants: changed, tenant_notes: notes };
    }
    const contact = tenant.contact_email.toLowerCase() === subject.email ? pseudonymOf(tenant.contact_email) : null;
    const billing = tenant.billing_email?.toLowerCase() === subject.email ? pseudonymOf(tenant.billing_email) : null;
    let changed = 0;
    if (contact || billing) {
      const [, n]: [unknown, number] = await tx.query(
        `UPDATE tenants SET contact_email = coalesce($2, contact_email), billing_email = coalesce($3, billing_email),
                            contact_phone = CASE WHEN $2::text IS NULL THEN contact_phone END, version = version + 1, updated_at = now()
         WHERE id = $1`,
        [subject.tenantId, contact, billing],
      );
      changed = n;
    }
    const params: unknown[] = [subject.tenantId];
    const scrubbed = scrubTextSql('body', subject.principals, params);
    const [, notes]: [unknown, number] = await tx.query(`UPDATE tenant_notes SET body = ${scrubbed}, updated_at = now() WHERE tenant_id = $1 AND body <> ${scrubbed}`, params);
    return { tenants: changed, tenant_notes: notes };
  }
}
