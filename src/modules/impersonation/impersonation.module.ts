import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit';
import { IamModule } from '../iam';
import { ImpersonationSession } from './entities/impersonation-session.entity';
import { ImpersonationDataEraser } from './impersonation-data.eraser';
import { ImpersonationPersonalDataEraser } from './impersonation-personal-data.eraser';
import { AdminImpersonationsController, TenantImpersonationsController } from './impersonation.controller';
import { ImpersonationService } from './impersonation.service';
import { EndSessionsWhenStaffLosesRightsListener } from './listeners/end-sessions-when-staff-loses-rights.listener';
import { RevokeTokenWhenImpersonationEndedListener } from './listeners/revoke-token-when-impersonation-ended.listener';

/** Impersonation context: time-limited "login as" sessions of staff in a tenant user's place. */
@Module({
  imports: [TypeOrmModule.forFeature([ImpersonationSession]), IamModule, AuditModule],
  controllers: [AdminImpersonationsController, TenantImpersonationsController],
  providers: [ImpersonationService, RevokeTokenWhenImpersonationEndedListener, EndSessionsWhenStaffLosesRightsListener, ImpersonationDataEraser, ImpersonationPersonalDataEraser],
})
export class ImpersonationModule {}
