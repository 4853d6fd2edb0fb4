import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../../audit';
import { DataExport } from './data-export.entity';
import { AdminExportsController, ExportFilesController, TenantExportsController } from './exports.controller';
import { EXPORTS_QUEUE, ExportsPurgeProcessor } from './exports-purge.processor';
import { ExportsService } from './exports.service';
import { PlatformDataEraser } from './platform-data.eraser';

/** CSV exports for staff and tenant admins, over the export mechanism (common/exports) and the job mechanism. */
@Module({
  imports: [TypeOrmModule.forFeature([DataExport]), BullModule.registerQueue({ name: EXPORTS_QUEUE }), AuditModule],
  controllers: [AdminExportsController, TenantExportsController, ExportFilesController],
  providers: [ExportsService, ExportsPurgeProcessor, PlatformDataEraser],
})
export class ExportsModule {}
