export * from './error-catalog';
export * from './common-errors';
export * from './app-error';
export * from './problem';
export * from './problem.filter';
export * from './validation';
export * from './dependency-failure';
