export * from './auth.decorators';
export * from './auth.guard';
export * from './auth.module';
export * from './policy.guard';
export * from './token-claims';
export * from './token-revocations';
export * from './token-lifetimes';
export * from './module-entitlements';
