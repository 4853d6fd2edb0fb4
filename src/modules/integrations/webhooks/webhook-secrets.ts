import { Inject, Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../../../config';

/** HKDF salt of the webhook secrets key (RFC 5869 §3.1: fixed, application-specific). */
const SALT = 'control-plane/webhook-secrets';

/**
 * Seals the secrets an endpoint stores — its `whsec_` signing secrets and secret custom headers
 * (a partner's API key) — with AES-256-GCM under a key derived by HKDF-SHA256 from
 * WEBHOOK_SECRETS_KEY (or, when unset, from JWT_SECRET under this label, so the JWT key itself
 * never encrypts anything). A sealed value is `v1.<iv>.<tag>.<ciphertext>` (base64url).
 */
@Injectable()
export class WebhookSecrets {
  private readonly key: Buffer;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const ikm = Buffer.from(config.webhooks.secretsKey ?? config.jwt.secret, 'utf8');
    this.key = Buffer.from(hkdfSync('sha256', ikm, SALT, 'sealing/v1', 32));
  }

  /** A fresh Standard Webhooks secret: `whsec_` + base64 of 24 random bytes. */
  static generate(): string {
    return `whsec_${randomBytes(24).toString('base64')}`;
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
  }

  /** @throws Error when the value was not sealed with this key (tampered or another key). */
  open(sealed: string): string {
    const [version, iv, tag, data] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('not a sealed webhook secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }
}

/** A secret shown masked: its first 4 characters and its length, e.g. `cpk_…(52)`. */
export function maskSecret(value: string): string {
  return `${value.slice(0, 4)}…(${value.length})`;
}
