import { Inject, Injectable } from '@nestjs/common';
import { hkdfSync } from 'node:crypto';
import { pseudonymousEmail } from '../../common/tenancy';
import { APP_CONFIG, AppConfig } from '../../config';

/** HKDF salt of the pseudonym key (RFC 5869 §3.1). */
const SALT = 'control-plane/pseudonyms';

/**
 * Makes the pseudonyms of erased people under a key derived from JWT_SECRET by HKDF (its own
 * label, so the JWT key signs nothing else): `erased-<16 hex>@invalid`, the same for one person of
 * one tenant wherever it appears, and not reversible without the key.
 */
@Injectable()
export class Pseudonyms {
  private readonly key: Buffer;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.key = Buffer.from(hkdfSync('sha256', Buffer.from(config.jwt.secret, 'utf8'), SALT, 'pseudonyms/v1', 32));
  }

  /** The pseudonym of `email` within `tenantId`. */
  email(tenantId: string, email: string): string {
    return pseudonymousEmail(this.key, tenantId, email);
  }
}
