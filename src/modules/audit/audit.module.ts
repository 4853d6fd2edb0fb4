import { BullModule } from '@nestjs/bull';
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
import { AUDIT_QUEUE, AuditChainProcessor } from './chain/audit-chain.processor';
import { AuditChainService } from './chain/audit-chain.service';
import { AuditChainHead } from './entities/audit-chain-head.entity';

/** Audit context: the audit trail, its interceptor and its queries, its hash chains (docs/adr/0029). */
@Module({
  imports: [TypeOrmModule.forFeature([AuditLog, AuditChainHead]), BullModule.registerQueue({ name: AUDIT_QUEUE })],
  controllers: [AdminAuditController, TenantAuditController],
  providers: [AuditExportSource, AuditService, AuditQueryService, AuditChainService, AuditChainProcessor, AuditInterceptor, { provide: PROBLEM_OBSERVER, useClass: AuditProblemObserver }],
  exports: [AuditService, AuditQueryService, AuditChainService, AuditInterceptor, PROBLEM_OBSERVER],
})
export class AuditModule {}
