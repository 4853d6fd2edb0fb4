export * from './backup-archive';
export * from './backup-sections';
export * from './backup-signer';
export * from './backups.module';
export * from './canonical-json';
