import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PROBLEM_OBSERVER } from '../../common/errors';
import { AuditQueryService } from './audit-query.service';
import { AuditProblemObserver } from './audit-problem.observer';
import { AdminAuditController } from './audit.controller';
import { TenantAuditController } from './tenant-audit.controller';
import { AuditInterceptor } from './audit.interceptor';
import { AuditService } from './audit.service';
import { AuditLog } from './entities/audit-log.entity';
import { AuditExportSource } from './audit-export.source';

/** Audit context: the audit trail, its interceptor and its queries. */
@Module({
  imports: [TypeOrmModule.forFeature([AuditLog])],
  controllers: [AdminAuditController, TenantAuditController],
  providers: [AuditExportSource, AuditService, AuditQueryService, AuditInterceptor, { provide: PROBLEM_OBSERVER, useClass: AuditProblemObserver }],
  exports: [AuditService, AuditQueryService, AuditInterceptor, PROBLEM_OBSERVER],
})
export class AuditModule {}
