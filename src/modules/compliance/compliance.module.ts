import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TenancyModule } from '../../common/tenancy';
import { AuditModule } from '../audit';
import { AuditTrailPersonalData } from './audit-trail-pseudonymisation';
import { AdminComplianceController, AdminTenantGdprController, ComplianceArchivesController } from './compliance.controller';
import { ComplianceDataEraser } from './compliance-data.eraser';
import { ComplianceRequests } from './compliance-requests.service';
import { COMPLIANCE_QUEUE, ComplianceSweepProcessor } from './compliance-sweep.processor';
import { ComplianceWork } from './compliance-work.service';
import { ComplianceRequest } from './entities/compliance-request.entity';
import { Pseudonyms } from './pseudonyms';

/**
 * Compliance context: GDPR exports and erasures of a tenant or a person (GDPR Art. 15, 17, 20)
 * with two-person approval, done as jobs over every context's personal data eraser
 * (`@ErasesPersonalData`, docs/compliance.md).
 */
@Module({
  imports: [TypeOrmModule.forFeature([ComplianceRequest]), BullModule.registerQueue({ name: COMPLIANCE_QUEUE }), TenancyModule, AuditModule],
  controllers: [AdminTenantGdprController, AdminComplianceController, ComplianceArchivesController],
  providers: [ComplianceRequests, ComplianceWork, Pseudonyms, ComplianceSweepProcessor, ComplianceDataEraser, AuditTrailPersonalData],
  exports: [ComplianceRequests],
})
export class ComplianceModule {}
