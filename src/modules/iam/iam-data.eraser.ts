import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { deleteTenantRows, ErasedRows, ErasesTenantData, TenantDataEraser } from '../../common/tenancy';
import { PasswordResetToken } from './entities/password-reset-token.entity';
import { RefreshToken } from './entities/refresh-token.entity';
import { TenantUser } from './entities/tenant-user.entity';

/**
 * Erases a purged tenant's identity data: its users, their refresh tokens and password reset
 * tokens (docs/adr/0008). Staff members are platform-wide and stay. Runs in the purge's transaction.
 */
@ErasesTenantData('iam')
export class IamDataEraser implements TenantDataEraser {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** Rows deleted from password_reset_tokens, refresh_tokens and tenant_users. */
  erase(tenantId: string): Promise<ErasedRows> {
    return deleteTenantRows(this.txHost.tx, tenantId, [PasswordResetToken, RefreshToken, TenantUser]);
  }
}
