import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IamModule } from '../iam';
import { ImpersonationSession } from './entities/impersonation-session.entity';
import { AdminImpersonationsController, TenantImpersonationsController } from './impersonation.controller';
import { ImpersonationService } from './impersonation.service';
import { RevokeTokenWhenImpersonationEndedListener } from './listeners/revoke-token-when-impersonation-ended.listener';

/** Impersonation context: time-limited "login as" sessions of staff in a tenant user's place. */
@Module({
  imports: [TypeOrmModule.forFeature([ImpersonationSession]), IamModule],
  controllers: [AdminImpersonationsController, TenantImpersonationsController],
  providers: [ImpersonationService, RevokeTokenWhenImpersonationEndedListener],
})
export class ImpersonationModule {}
