import { Global, Module } from '@nestjs/common';
import { BackupSections } from './backup-sections';
import { BackupSigner } from './backup-signer';

/** The tenant-backup mechanism: the section registry and the archive signer. */
@Global()
@Module({ providers: [BackupSections, BackupSigner], exports: [BackupSections, BackupSigner] })
export class BackupsMechanismModule {}
