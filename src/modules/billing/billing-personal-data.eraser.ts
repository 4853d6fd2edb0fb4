import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import {
  ALLOW_PSEUDONYMISATION_SQL,
  ERASED_NAME,
  ErasedRows,
  ErasesPersonalData,
  PersonalDataEraser,
  PersonalDataSection,
  personalDataSection,
  PersonalDataSubject,
  scrubTextSql,
} from '../../common/tenancy';

/**
 * The billing context's personal data (GDPR Art. 15/17/20). Invoices and credit notes are kept:
 * tax and commercial law require them (GDPR Art. 17(3)(b)); their `billed_to` is pseudonymised
 * instead — email, phone, and for a tenant-wide erasure the name — under the database's
 * pseudonymisation allowance (a finalized invoice is otherwise immutable). Payments stay too,
 * with their free-text note scrubbed of the people's emails and names. Subscriptions and the
 * payment method on file hold no personal data (brand, last 4 digits) and are left to the purge.
 */
@ErasesPersonalData('billing')
export class BillingPersonalDataEraser implements PersonalDataEraser {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  sections(subject: PersonalDataSubject): PersonalDataSection[] {
    const t = [subject.tenantId];
    if (subject.kind === 'person') {
      return [
        personalDataSection('billing.invoices', 'invoices', `t.tenant_id = $1 AND lower(t.billed_to->>'email') = $2`, [subject.tenantId, subject.email]),
        personalDataSection('billing.credit_notes', 'credit_notes', `t.tenant_id = $1 AND lower(t.billed_to->>'email') = $2`, [subject.tenantId, subject.email]),
      ];
    }
    return [
      personalDataSection('billing.subscriptions', 'subscriptions', 't.tenant_id = $1', t),
      personalDataSection('billing.invoices', 'invoices', 't.tenant_id = $1', t),
      personalDataSection('billing.invoice_lines', 'invoice_lines', 't.tenant_id = $1', t, { order: 't.invoice_id, t.position' }),
      personalDataSection('billing.payments', 'payments', 't.tenant_id = $1', t, { omit: ['gateway_idempotency_key'] }),
      personalDataSection('billing.credit_notes', 'credit_notes', 't.tenant_id = $1', t),
      personalDataSection('billing.payment_methods', 'payment_methods', 't.tenant_id = $1', t, { omit: ['reference'] }),
    ];
  }

  /** Rows whose billed_to (invoices, credit notes) or note (payments) changed. */
  async erase(subject: PersonalDataSubject): Promise<ErasedRows> {
    const tx = this.txHost.tx;
    await tx.query(ALLOW_PSEUDONYMISATION_SQL);
    const out: ErasedRows = {};
    for (const table of ['invoices', 'credit_notes'] as const) {
      let changed = 0;
      for (const p of subject.principals) {
        const erasesName = subject.kind === 'tenant';
        const [, n]: [unknown, number] = await tx.query(
          `UPDATE ${table} SET billed_to = billed_to || jsonb_build_object('email', $3::text, 'phone', NULL) || CASE WHEN $4 THEN jsonb_build_object('name', $5::text) ELSE '{}'::jsonb END
           WHERE tenant_id = $1 AND lower(billed_to->>'email') = $2`,
          [subject.tenantId, p.email, p.pseudonym, erasesName, ERASED_NAME],
        );
        changed += n;
      }
      if (subject.kind === 'tenant') {
        // Rows billed to an address that is no principal's any more (changed since) still name the tenant's people.
        const [, n]: [unknown, number] = await tx.query(
          `UPDATE ${table} SET billed_to = billed_to || jsonb_build_object('email', 'erased-' || left(md5(id::text), 16) || '@invalid', 'phone', NULL, 'name', $2::text)
           WHERE tenant_id = $1 AND (billed_to->>'email' NOT LIKE 'erased-%@invalid' OR billed_to->>'name' IS DISTINCT FROM $2 OR billed_to->>'phone' IS NOT NULL)`,
          [subject.tenantId, ERASED_NAME],
        );
        changed += n;
      }
      out[table] = changed;
    }
    const params: unknown[] = [subject.tenantId];
    const note = scrubTextSql('note', subject.principals, params);
    const [, payments]: [unknown, number] = await tx.query(`UPDATE payments SET note = ${note}, updated_at = now() WHERE tenant_id = $1 AND note IS NOT NULL AND note <> ${note}`, params);
    out.payments = payments;
    return out;
  }
}
