import { Module, OnApplicationBootstrap } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MailModule } from '../../common/mail';
import { PlansModule } from '../plans';
import { PasswordResetToken } from './entities/password-reset-token.entity';
import { AdminAuthController, AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { IamDataEraser } from './iam-data.eraser';
import { IamPersonalDataEraser } from './iam-personal-data.eraser';
import { BootstrapOwnerService } from './bootstrap-owner.service';
import { RefreshToken } from './entities/refresh-token.entity';
import { StaffMember } from './entities/staff-member.entity';
import { TenantUser } from './entities/tenant-user.entity';
import { RevokeStaffTokensWhenStaffChangesListener } from './listeners/revoke-staff-tokens-when-staff-changes.listener';
import { SyncAccessWhenUserStatusChangesListener } from './listeners/sync-access-when-user-status-changes.listener';
import { LoginAttemptLimiter } from './login-attempt-limiter';
import { PasswordHasher } from './password-hasher';
import { PasswordResetController } from './password-reset.controller';
import { PasswordResets } from './password-resets.service';
import { StaffController } from './staff.controller';
import { StaffService } from './staff.service';
import { TenantUserAccounts } from './tenant-user-accounts.service';
import { TenantUserSeatsUsageSource } from './tenant-user-seats.usage-source';
import { TenantUsersBackupSection } from './tenant-users.backup-section';
import { TenantUsersController } from './tenant-users.controller';
import { TenantUsersService } from './tenant-users.service';
import { TokenService } from './token.service';
import { ServiceClient } from './service-clients/service-client.entity';
import { OAuthTokenController, ServiceClientsController } from './service-clients/service-clients.controller';
import { ServiceClientsService } from './service-clients/service-clients.service';
import { SignInChallenges } from './two-factor/sign-in-challenges';
import { StaffRecoveryCode } from './two-factor/staff-recovery-code.entity';
import { StaffSignIn } from './two-factor/staff-sign-in.service';
import { StaffTotpFactor } from './two-factor/staff-totp-factor.entity';
import { StaffTwoFactorService } from './two-factor/staff-two-factor.service';
import { Totp } from './two-factor/totp';
import { TwoFactorController } from './two-factor/two-factor.controller';
import { TwoFactorSecrets } from './two-factor/two-factor-secrets';

/** Identity: platform staff, tenant users, credentials and tokens. */
@Module({
  imports: [TypeOrmModule.forFeature([StaffMember, TenantUser, RefreshToken, PasswordResetToken, ServiceClient, StaffTotpFactor, StaffRecoveryCode]), JwtModule.register({}), PlansModule, MailModule],
  controllers: [AdminAuthController, TwoFactorController, AuthController, StaffController, TenantUsersController, PasswordResetController, ServiceClientsController, OAuthTokenController],
  providers: [
    AuthService,
    StaffService,
    TokenService,
    PasswordHasher,
    LoginAttemptLimiter,
    BootstrapOwnerService,
    TenantUserAccounts,
    TenantUsersService,
    PasswordResets,
    SyncAccessWhenUserStatusChangesListener,
    RevokeStaffTokensWhenStaffChangesListener,
    IamDataEraser,
    IamPersonalDataEraser,
    TenantUserSeatsUsageSource,
    TenantUsersBackupSection,
    ServiceClientsService,
    TwoFactorSecrets,
    Totp,
    SignInChallenges,
    StaffTwoFactorService,
    StaffSignIn,
  ],
  exports: [TokenService, PasswordHasher, TenantUserAccounts, PasswordResets],
})
export class IamModule implements OnApplicationBootstrap {
  constructor(private readonly bootstrap: BootstrapOwnerService) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.bootstrap.ensureOwner();
  }
}
