export * from './api-docs';
export * from './pagination';
export * from './audit.decorators';
