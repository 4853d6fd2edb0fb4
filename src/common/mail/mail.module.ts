import { Module } from '@nestjs/common';
import { LoggingMailer } from './logging-mailer';
import { Mailer } from './mailer';

/** Binds the {@link Mailer} port to its adapter (today the logging placeholder). */
@Module({
  providers: [{ provide: Mailer, useClass: LoggingMailer }],
  exports: [Mailer],
})
export class MailModule {}
