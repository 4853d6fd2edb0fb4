import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { randomBytes } from 'node:crypto';
import { TokenRevocations } from '../../common/auth';
import { UnitOfWork } from '../../common/events';
import { ERASED_NAME, ErasedRows, ErasesPersonalData, PersonalDataEraser, PersonalDataPrincipal, PersonalDataSection, personalDataSection, PersonalDataSubject } from '../../common/tenancy';
import { TenantUser } from './entities/tenant-user.entity';
import { TenantUserAccounts } from './tenant-user-accounts.service';

/**
 * The identity context's personal data (GDPR Art. 15/17/20): tenant users and their credentials.
 * Export: the users without password hashes. Erasure: each user row stays (other rows name its
 * id) but is pseudonymised — email `erased-…@invalid`, name "Erased person", an unusable password
 * hash, inactive (its seats freed; the last-admin rule yields to the right to erasure) — and its
 * refresh tokens and password reset tokens are deleted, its access tokens revoked once committed,
 * so the person can no longer sign in. Staff members are platform staff, never a tenant's subject.
 */
@ErasesPersonalData('iam')
export class IamPersonalDataEraser implements PersonalDataEraser {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly accounts: TenantUserAccounts,
    private readonly revocations: TokenRevocations,
    private readonly uow: UnitOfWork,
  ) {}

  /** The tenant's users (kind tenant) or the user with the subject's email (kind person). */
  async identify(subject: Omit<PersonalDataSubject, 'principals'>): Promise<Omit<PersonalDataPrincipal, 'pseudonym'>[]> {
    const rows: { id: string; email: string; full_name: string }[] = await this.txHost.tx.query(
      `SELECT id, email, full_name FROM tenant_users WHERE tenant_id = $1 AND ($2::text IS NULL OR email = $2) ORDER BY created_at, id`,
      [subject.tenantId, subject.kind === 'person' ? subject.email : null],
    );
    return rows.map((r) => ({ id: r.id, email: r.email.toLowerCase(), names: [r.full_name] }));
  }

  sections(subject: PersonalDataSubject): PersonalDataSection[] {
    return [personalDataSection('iam.tenant_users', 'tenant_users', 't.tenant_id = $1 AND t.id = ANY($2::uuid[])', [subject.tenantId, userIds(subject)], { omit: ['password_hash'] })];
  }

  /** Rows changed in tenant_users, deleted from refresh_tokens and password_reset_tokens. */
  async erase(subject: PersonalDataSubject): Promise<ErasedRows> {
    const tx = this.txHost.tx;
    const ids = userIds(subject);
    let pseudonymised = 0;
    for (const p of subject.principals) {
      if (!p.id) continue;
      const [user]: { role: TenantUser['role']; is_active: boolean; email: string }[] = await tx.query(
        `SELECT role, is_active, email FROM tenant_users WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
        [subject.tenantId, p.id],
      );
      if (!user || user.email === p.pseudonym) continue;
      if (user.is_active) await this.accounts.releaseSeats(subject.tenantId, user.role);
      // An argon2 hash can never equal this text, so no password verifies against it.
      await tx.query(
        `UPDATE tenant_users SET email = $3, full_name = $4, password_hash = $5, is_active = false, must_change_password = false, updated_at = now()
         WHERE tenant_id = $1 AND id = $2`,
        [subject.tenantId, p.id, p.pseudonym, ERASED_NAME, `erased:${randomBytes(16).toString('hex')}`],
      );
      pseudonymised += 1;
    }
    const [, refresh]: [unknown, number] = await tx.query(`DELETE FROM refresh_tokens WHERE tenant_id = $1 AND principal_id = ANY($2::uuid[])`, [subject.tenantId, ids]);
    const [, resets]: [unknown, number] = await tx.query(`DELETE FROM password_reset_tokens WHERE tenant_id = $1 AND user_id = ANY($2::uuid[])`, [subject.tenantId, ids]);
    await this.uow.afterCommit(async () => {
      for (const id of ids) await this.revocations.revokeSubject(id);
    });
    return { tenant_users: pseudonymised, refresh_tokens: refresh, password_reset_tokens: resets };
  }
}

/** Account ids among the subject's principals. */
function userIds(subject: PersonalDataSubject): string[] {
  return subject.principals.map((p) => p.id).filter((id): id is string => !!id);
}
