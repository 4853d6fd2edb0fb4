import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { RequestContext } from '../../common/context';
import { ConflictError, NotFoundError } from '../../common/errors';
import { NoActiveAdminError, PasswordResets, TenantUserAccounts } from '../iam';
import { AdminPasswordResetDto } from './dto/tenant.dto';
import { Tenant } from './entities/tenant.entity';

/**
 * Support action (issue 3 §2): a super admin issues a password reset token for a tenant's
 * first active admin (the longest-standing one), e.g. when the customer is locked out.
 */
@Injectable()
export class TenantAdminResetService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly accounts: TenantUserAccounts,
    private readonly resets: PasswordResets,
    private readonly context: RequestContext,
  ) {}

  /** @throws NotFoundError `tenant_not_found` | ConflictError `tenant_deleted` | NoActiveAdminError `no_active_admin` */
  async issue(tenantId: string): Promise<AdminPasswordResetDto> {
    const tenant = await this.txHost.tx.getRepository(Tenant).findOne({ where: { id: tenantId } });
    if (!tenant) throw new NotFoundError('Tenant', tenantId);
    if (tenant.status === 'deleted') throw new ConflictError('tenant_deleted', `Tenant ${tenantId} is deleted; restore it first.`);
    const admin = await this.accounts.findActiveUser(tenantId);
    if (!admin) throw new NoActiveAdminError(`Tenant ${tenantId} has no active admin.`);
    this.context.noteAudit({ tenantId, resourceId: admin.id, resourceType: 'tenant_user', metadata: { targetEmail: admin.email } });
    const { resetToken, expiresAt } = await this.resets.issue(tenantId, admin.id, this.context.actor.id);
    return { resetToken, expiresAt: expiresAt.toISOString(), userId: admin.id, email: admin.email };
  }
}
