import { Global, Module } from '@nestjs/common';
import { ExportLinks } from './export-links';
import { ExportSources } from './export-sources';
import { ExportStorage, LocalDiskExportStorage } from './export-storage';

/** The export mechanism: the source registry, the storage port (local disk by default) and link signing. */
@Global()
@Module({
  providers: [ExportSources, ExportLinks, { provide: ExportStorage, useClass: LocalDiskExportStorage }],
  exports: [ExportSources, ExportLinks, ExportStorage],
})
export class ExportsMechanismModule {}
