export * from './context.module';
export * from './request-context';
export * from './request-id';
