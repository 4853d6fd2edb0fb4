import { Inject, Injectable } from '@nestjs/common';
import { createHmac, Hmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../../config';
import { BackupArchive, SIGNATURE_CONTEXT } from './backup-archive';
import { canonicalJson } from './canonical-json';

/** HKDF salt of the backup-signing key (RFC 5869 §3.1: fixed, application-specific). */
const SALT = 'control-plane/tenant-backups';
/** Prefix of a signature of this scheme. */
const VERSION = 'v1';

/**
 * Signs and verifies tenant backup archives: HMAC-SHA256 under a key derived by HKDF-SHA256 from
 * JWT_SECRET under this mechanism's own label (the JWT key itself signs nothing else), over
 * `control-plane-tenant-backup/v1\n` + canonical(data) + `\n` + canonical(manifest). Only this
 * installation (same JWT_SECRET) can make or check a signature, so a restore proves the archive
 * came from here unchanged.
 */
@Injectable()
export class BackupSigner {
  private readonly key: Buffer;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.key = BackupSigner.deriveKey(config.jwt.secret);
  }

  /** The signing key of a secret (exposed for unit tests). */
  static deriveKey(secret: string): Buffer {
    return Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), SALT, 'archive-signing/v1', 32));
  }

  /** An incremental signer: feed it the canonical data as written, then call `finish(manifest)`. */
  start(): IncrementalSignature {
    return new IncrementalSignature(createHmac('sha256', this.key).update(SIGNATURE_CONTEXT));
  }

  /** The signature of a whole archive's manifest and data. */
  sign(archive: Pick<BackupArchive, 'manifest' | 'data'>): string {
    const s = this.start();
    s.update(canonicalJson(archive.data));
    return s.finish(archive.manifest);
  }

  /** Whether the archive's signature is this installation's signature of its manifest and data (constant-time). */
  verify(archive: BackupArchive): boolean {
    let expected: Buffer;
    try {
      expected = Buffer.from(this.sign(archive));
    } catch {
      return false;
    }
    const given = Buffer.from(String(archive.signature));
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}

/** An HMAC being fed the canonical data of an archive while it is written. */
export class IncrementalSignature {
  constructor(private readonly hmac: Hmac) {}

  /** Adds canonical JSON text of `data` (in order, exactly as written). */
  update(text: string): void {
    this.hmac.update(text, 'utf8');
  }

  /** Ends with the manifest; returns `v1.<base64url>`. */
  finish(manifest: object): string {
    this.hmac.update(`\n${canonicalJson(manifest)}`, 'utf8');
    return `${VERSION}.${this.hmac.digest('base64url')}`;
  }
}
