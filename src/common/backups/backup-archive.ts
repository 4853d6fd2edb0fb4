import type { JsonObject } from '../../database/json';

/** `manifest.format` of every tenant backup archive. */
export const BACKUP_FORMAT = 'control-plane-tenant-backup';
/**
 * Schema version this build writes and restores. Version 1 had no `includesCredentials` flag
 * (every version-1 archive was credential-free) and called the users section `members`;
 * {@link migrateArchive} brings it to the current shape.
 */
export const BACKUP_SCHEMA_VERSION = 2;

/** What an archive says about itself. Signed together with `data`. */
export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  schemaVersion: number;
  tenantId: string;
  tenantSlug: string;
  /** ISO 8601 UTC. */
  createdAt: string;
  /** Who asked for it: `{ id, email }` of the tenant admin. */
  createdBy: { id: string | null; email: string | null };
  /** True: password hashes, API key hashes and sealed webhook secrets are in `data` (a full, restore-capable archive). */
  includesCredentials: boolean;
  /** Records per section, e.g. `{ users: 12, partners: 2 }`. */
  counts: Record<string, number>;
}

/** A tenant backup: `{ manifest, data: { <section>: record[] }, signature }`. */
export interface BackupArchive {
  manifest: BackupManifest;
  data: Record<string, JsonObject[]>;
  /** `v1.<base64url HMAC-SHA256>` over {@link signedPayloadOf}. */
  signature: string;
}

/**
 * The bytes the signature covers: `control-plane-tenant-backup/v1\n` + canonical JSON of `data`
 * + `\n` + canonical JSON of `manifest` (src/common/backups/canonical-json.ts). Data comes first so
 * the writer can sign while it streams the records, and write the manifest (with the counts) last.
 */
export const SIGNATURE_CONTEXT = 'control-plane-tenant-backup/v1\n';

/** Why an uploaded document is not a restorable archive of this build. */
export class ArchiveShapeError extends Error {
  constructor(
    readonly reason: 'not_an_archive' | 'newer_schema',
    message: string,
  ) {
    super(message);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks the envelope of an uploaded document: `{ manifest: { format, schemaVersion, tenantId, … },
 * data: { <section>: [] }, signature }`. Records themselves are validated later, per section.
 * @throws ArchiveShapeError `not_an_archive`
 */
export function assertArchiveShape(doc: unknown): asserts doc is BackupArchive {
  const fail = (what: string) => new ArchiveShapeError('not_an_archive', `The file is not a tenant backup archive: ${what}.`);
  if (!isObject(doc)) throw fail('it is not a JSON object');
  const m = doc.manifest;
  if (!isObject(m) || m.format !== BACKUP_FORMAT) throw fail(`manifest.format is not ${BACKUP_FORMAT}`);
  if (!Number.isInteger(m.schemaVersion) || (m.schemaVersion as number) < 1) throw fail('manifest.schemaVersion is not a positive integer');
  if (typeof m.tenantId !== 'string' || typeof m.createdAt !== 'string') throw fail('manifest.tenantId or manifest.createdAt is missing');
  if (!isObject(doc.data)) throw fail('data is not an object');
  for (const [section, records] of Object.entries(doc.data)) {
    if (!Array.isArray(records)) throw fail(`data.${section} is not an array`);
  }
  if (typeof doc.signature !== 'string') throw fail('signature is missing');
}

/**
 * Brings a verified archive of an older schema version to {@link BACKUP_SCHEMA_VERSION} (pure: the
 * input is not changed). Version 1 → 2: `data.members` is renamed `data.users`, and
 * `manifest.includesCredentials` is added as false (version 1 never held credentials; any
 * `passwordHash` in it is dropped). @throws ArchiveShapeError `newer_schema` for a version this
 * build does not know
 */
export function migrateArchive(archive: BackupArchive): BackupArchive {
  let { manifest, data } = archive;
  if (manifest.schemaVersion > BACKUP_SCHEMA_VERSION) {
    throw new ArchiveShapeError('newer_schema', `The archive has schema version ${manifest.schemaVersion}; this server restores versions 1 to ${BACKUP_SCHEMA_VERSION}. Restore it on an up-to-date server.`);
  }
  if (manifest.schemaVersion === 1) {
    const { members, ...rest } = data as Record<string, JsonObject[]> & { members?: JsonObject[] };
    const users = (members ?? rest.users ?? []).map(({ passwordHash: _drop, ...u }) => u);
    data = { ...rest, users };
    const counts = { ...manifest.counts };
    if ('members' in counts) {
      counts.users = counts.members!;
      delete counts.members;
    }
    manifest = { ...manifest, schemaVersion: 2, includesCredentials: false, counts };
  }
  return { ...archive, manifest, data };
}
