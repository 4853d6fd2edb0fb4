import { Inject, Injectable } from '@nestjs/common';
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../../config';

/** Seconds a download link stays valid. */
export const EXPORT_LINK_TTL_SECONDS = 600;
/** HKDF salt of the link-signing key (RFC 5869 §3.1). */
const SALT = 'control-plane/export-links';

/** What a signed link names: the export, its expiry (Unix seconds) and who asked for the link. */
export interface ExportLinkClaims {
  exportId: string;
  expires: number;
  /** Actor id of whoever asked for the link (the download's audit row names them). */
  by: string;
}

/**
 * Signs and checks expiring download links (HMAC-SHA256 under a key derived from JWT_SECRET by
 * HKDF, so the JWT key itself signs nothing else). A link is the credential: whoever holds it may
 * download until it expires; asking again makes a new one.
 */
@Injectable()
export class ExportLinks {
  private readonly key: Buffer;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.key = Buffer.from(hkdfSync('sha256', Buffer.from(config.jwt.secret, 'utf8'), SALT, 'download-links/v1', 32));
  }

  /** The signature of the claims (base64url). */
  sign(claims: ExportLinkClaims): string {
    return createHmac('sha256', this.key).update(`${claims.exportId}.${claims.expires}.${claims.by}`).digest('base64url');
  }

  /** Whether `signature` is valid for the claims and the link has not expired at `nowMs`. */
  verify(claims: ExportLinkClaims, signature: string, nowMs: number): boolean {
    if (!Number.isInteger(claims.expires) || claims.expires * 1000 <= nowMs) return false;
    const expected = Buffer.from(this.sign(claims));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
