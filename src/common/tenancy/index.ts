export * from './tenant-directory';
export * from './tenant-data-eraser';
export * from './tenant-data-erasers';
export * from './personal-data-eraser';
export * from './personal-data-erasers';
export * from './tenancy.module';
