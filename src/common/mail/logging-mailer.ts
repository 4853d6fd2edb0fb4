import { Injectable, Logger } from '@nestjs/common';
import { Mailer, MailMessage } from './mailer';

/** Characters of a sensitive value that may appear in a log line (enough to correlate, too few to use). */
export const LOGGED_SECRET_PREFIX_LENGTH = 8;

/** Replaces every sensitive value in `text` by its first characters and an ellipsis. */
export function maskSecrets(text: string, secrets: readonly string[] = []): string {
  return secrets
    .filter((s) => s.length > 0)
    .reduce((out, secret) => out.split(secret).join(`${secret.slice(0, LOGGED_SECRET_PREFIX_LENGTH)}…`), text);
}

/**
 * PLACEHOLDER adapter of the {@link Mailer} port: it delivers nothing, it only logs the message
 * through the Nest logger, with every `sensitive` value cut to a short prefix (a reset token is
 * never logged in full). Replace it with an SMTP or provider adapter before production use.
 */
@Injectable()
export class LoggingMailer extends Mailer {
  private readonly logger = new Logger('Mailer');

  send(message: MailMessage): Promise<void> {
    this.logger.log(`[placeholder, not delivered] to=${message.to} subject="${message.subject}" text="${maskSecrets(message.text, message.sensitive)}"`);
    return Promise.resolve();
  }
}
