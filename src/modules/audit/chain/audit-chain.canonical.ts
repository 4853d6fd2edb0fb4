import { createHash } from 'node:crypto';

/**
 * The canonical form of an audit row, version 1 (`audit-chain-v1`, docs/adr/0029), and the link
 * of the hash chain. The chain trigger of audit_logs computes the same bytes in PostgreSQL
 * (functions `audit_log_canonical_v1`, `audit_log_personal_v1` of migration AuditHashChain); the
 * verifier recomputes them here, so the check never trusts code stored in the database it checks.
 *
 * Encoding: a version line, then one line per field in a fixed order, `<label>=~` for NULL or
 * `<label>=<length>:<value>` where length counts the UTF-8 bytes of value; lines end with `\n`.
 * Length prefixes make the form unambiguous with no escaping. Values are PostgreSQL's text
 * renderings (AUDIT_CHAIN_TEXT_SQL): uuids lowercase, integers decimal, `occurred_at` as
 * `YYYY-MM-DDTHH:MM:SS.ffffffZ` (UTC, microseconds), jsonb in PostgreSQL's normalised text
 * output, hashes as lowercase hex.
 */

/** Version tag of the canonical form the chain trigger writes today (`chain_version`). */
export const AUDIT_CHAIN_VERSION = 1;
/** prevHash of a chain's first row: 32 zero bytes. */
export const AUDIT_CHAIN_GENESIS: Buffer = Buffer.alloc(32);
/** Chain key of the platform's rows (tenant_id NULL) in audit_chain_heads. */
export const PLATFORM_CHAIN_SCOPE = '00000000-0000-0000-0000-000000000000';

/** Fields of the personal part, in order: what a pseudonymisation may rewrite. Chained through their digest. */
export const AUDIT_PERSONAL_FIELDS = ['actor_email', 'ip', 'user_agent', 'changes', 'metadata'] as const;
/** Fields of the chained part, in order (`personal_digest` stands in for the personal fields). */
export const AUDIT_CHAIN_FIELDS = [
  'seq', 'id', 'tenant_id', 'occurred_at', 'request_id', 'channel', 'actor_type', 'actor_id', 'actor_client_id', 'impersonator_id',
  'action', 'module', 'resource_type', 'resource_id', 'method', 'path', 'status_code', 'outcome', 'error_code', 'personal_digest',
] as const;

/** A row's fields as PostgreSQL renders them in text (null for SQL NULL), keyed by column name. */
export type AuditChainText = Record<(typeof AUDIT_CHAIN_FIELDS)[number] | (typeof AUDIT_PERSONAL_FIELDS)[number], string | null>;

/**
 * SELECT list rendering a row of audit_logs (alias `a`) as {@link AuditChainText}, plus `seq`
 * (bigint as text), the stored `prev_hash`, `hash`, `personal_digest` (bytea), `chain_version`,
 * `pseudonymised_at`, `id` and `occurred_at` (timestamptz).
 */
export const AUDIT_CHAIN_TEXT_SQL = `
  a.seq::text AS seq, a.id::text AS id, a.tenant_id::text AS tenant_id,
  to_char(a.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS occurred_at,
  a.request_id, a.channel, a.actor_type, a.actor_id::text AS actor_id, a.actor_client_id, a.impersonator_id::text AS impersonator_id,
  a.action, a.module, a.resource_type, a.resource_id, a.method, a.path, a.status_code::text AS status_code, a.outcome, a.error_code,
  encode(a.personal_digest, 'hex') AS personal_digest,
  a.actor_email, a.ip, a.user_agent, a.changes::text AS changes, a.metadata::text AS metadata,
  a.prev_hash AS stored_prev_hash, a.hash AS stored_hash, a.personal_digest AS stored_personal_digest, a.chain_version, a.pseudonymised_at`;

function fields(labels: readonly string[], row: Readonly<Record<string, string | null>>): string {
  let out = '';
  for (const label of labels) {
    const value = row[label];
    out += value === null || value === undefined ? `${label}=~\n` : `${label}=${Buffer.byteLength(value, 'utf8')}:${value}\n`;
  }
  return out;
}

/** The personal part of a row (`audit-personal-v1`), as UTF-8 text. */
export function personalCanonicalV1(row: AuditChainText): string {
  return `audit-personal-v1\n${fields(AUDIT_PERSONAL_FIELDS, row)}`;
}

/** The chained part of a row (`audit-chain-v1`), as UTF-8 text; `row.personal_digest` is the hex digest of its personal part. */
export function chainCanonicalV1(row: AuditChainText): string {
  return `audit-chain-v1\n${fields(AUDIT_CHAIN_FIELDS, row)}`;
}

/** SHA-256 of the personal part: the row's `personal_digest` (32 bytes) as inserted. */
export function personalDigestV1(row: AuditChainText): Buffer {
  return createHash('sha256').update(personalCanonicalV1(row), 'utf8').digest();
}

/** The link: SHA-256(prevHash (32 bytes) ‖ UTF-8 of the chained part), 32 bytes. */
export function chainHashV1(prevHash: Buffer, row: AuditChainText): Buffer {
  return createHash('sha256').update(prevHash).update(chainCanonicalV1(row), 'utf8').digest();
}
