export * from './export-links';
export * from './export-sources';
export * from './export-storage';
export * from './exports.module';
