export * from './mailer';
export * from './logging-mailer';
export * from './mail.module';
