export * from './api-docs';
export * from './pagination';
export * from './audit.decorators';
export * from './validators';
export * from './idempotency.interceptor';
export * from './idempotency.module';
export * from './uuid.pipe';
export * from './search';
