/** One plain-text email. */
export interface MailMessage {
  /** Recipient address. */
  to: string;
  subject: string;
  text: string;
  /**
   * Secrets that appear in `text` (a reset token, a one-time link). Adapters that write the
   * message anywhere but the recipient's inbox (logs, traces) must mask them.
   */
  sensitive?: string[];
}

/**
 * Port for outgoing email (issue 3 §3: "email delivery is a placeholder interface with a
 * logging adapter"). Contexts depend on this abstract class; a module binds an adapter to it.
 * @throws whatever the adapter throws when the message cannot be handed over.
 */
export abstract class Mailer {
  abstract send(message: MailMessage): Promise<void>;
}
