export * from './tenant-directory';
