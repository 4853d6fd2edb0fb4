import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { createHash, randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { UnitOfWork } from '../../../common/events';
import { Clock } from '../../../common/time';
import { AuditService } from '../audit.service';
import { AUDIT_CHAIN_GENESIS, AUDIT_CHAIN_TEXT_SQL, AUDIT_CHAIN_VERSION, AuditChainText, chainHashV1, personalDigestV1, PLATFORM_CHAIN_SCOPE } from './audit-chain.canonical';

/** Why a link of a chain does not hold (docs/adr/0029). */
export const CHAIN_BREAK_REASONS = [
  /** The row's content no longer gives its stored hash (a chained column was changed). */
  'hash_mismatch',
  /** The personal fields of a row never pseudonymised no longer give its personal digest. */
  'personal_digest_mismatch',
  /** The row's prev_hash is not the hash of the row before it (a row replaced or re-ordered). */
  'prev_hash_mismatch',
  /** No row holds this seq although later ones do (a row was deleted). */
  'missing_row',
  /** The chain's head (audit_chain_heads) does not name the last row. */
  'head_mismatch',
  /** The row was chained with a canonical form this version does not know. */
  'unknown_version',
] as const;
export type ChainBreakReason = (typeof CHAIN_BREAK_REASONS)[number];

/** The first link that failed. Hashes are lowercase hex SHA-256; null where there is no row or value. */
export interface ChainBreak {
  seq: number;
  id: string | null;
  /** ISO 8601 UTC with microseconds. */
  occurredAt: string | null;
  expectedHash: string | null;
  storedHash: string | null;
  reason: ChainBreakReason;
}

/** Outcome of a verification of one chain over a range. */
export interface ChainVerification {
  scope: 'tenant' | 'platform';
  tenantId: string | null;
  /** Rows whose links were checked before the first break (all rows of the range when none). */
  checked: number;
  /** Rows checked whose personal fields were pseudonymised (their personal digest is kept, not rechecked). */
  pseudonymised: number;
  /** seq span of the range checked (null: no row in the range). */
  fromSeq: number | null;
  toSeq: number | null;
  firstBrokenLink: ChainBreak | null;
  /** The chain's head when the check started: its last seq (0: empty chain) and hash (hex). */
  headSeq: number;
  headHash: string | null;
}

/** Rows read per round trip when verifying: bounds memory whatever the chain's length. */
const VERIFY_BATCH = 5000;
/** Heads published per read of audit_chain_heads by the daily job. */
const PUBLISH_BATCH = 200;

interface ChainRow extends AuditChainText {
  stored_prev_hash: Buffer;
  stored_hash: Buffer;
  stored_personal_digest: Buffer;
  chain_version: number;
  pseudonymised_at: Date | null;
}

const hex = (b: Buffer | null | undefined): string | null => (b ? b.toString('hex') : null);

/**
 * The audit hash chains (docs/adr/0029): verification of a chain over a range, and the daily
 * publication of every chain's head as an audit event. The links themselves are written by the
 * chain trigger of audit_logs on insert; this service only reads them, recomputing each hash
 * with the TypeScript canonical form (audit-chain.canonical.ts), never with the database's own
 * functions.
 */
@Injectable()
export class AuditChainService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly uow: UnitOfWork,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * Verifies the chain of `tenantId` (null: the platform's) from its first row at or after
   * `from` to its last row before `to` (by occurredAt; either bound open: the chain's start,
   * its head). Reads in one REPEATABLE READ snapshot, VERIFY_BATCH rows at a time in seq order,
   * and stops at the first broken link. The first row's link is checked against its predecessor
   * (outside the range). Without `to`, the last row must also be the chain's head.
   */
  async verify(tenantId: string | null, range: { from?: Date; to?: Date } = {}): Promise<ChainVerification> {
    return this.txHost.withTransaction({ isolationLevel: 'REPEATABLE READ' }, async () => {
      const tx = this.txHost.tx;
      await tx.query('SET TRANSACTION READ ONLY');
      return this.verifyIn(tx, tenantId, range);
    });
  }

  private async verifyIn(tx: EntityManager, tenantId: string | null, range: { from?: Date; to?: Date }): Promise<ChainVerification> {
    const scopeKey = tenantId ?? PLATFORM_CHAIN_SCOPE;
    const inScope = tenantId ? 'a.tenant_id = $1' : '($1::uuid IS NULL AND a.tenant_id IS NULL)';
    const scopeParam = tenantId;
    const [head]: { seq: string; hash: Buffer }[] = await tx.query(`SELECT seq, hash FROM audit_chain_heads WHERE scope_key = $1`, [scopeKey]);
    const headSeq = head ? Number(head.seq) : 0;
    const result: ChainVerification = {
      scope: tenantId ? 'tenant' : 'platform',
      tenantId,
      checked: 0,
      pseudonymised: 0,
      fromSeq: null,
      toSeq: null,
      firstBrokenLink: null,
      headSeq,
      headHash: headSeq > 0 ? hex(head.hash) : null,
    };
    const seqAt = async (sql: string, at: Date): Promise<number | null> => {
      const [row]: { seq: string }[] = await tx.query(sql, [scopeParam, at]);
      return row ? Number(row.seq) : null;
    };
    const fromSeq = range.from ? await seqAt(`SELECT a.seq FROM audit_logs a WHERE ${inScope} AND a.occurred_at >= $2 ORDER BY a.occurred_at, a.id LIMIT 1`, range.from) : 1;
    const toSeq = range.to ? await seqAt(`SELECT a.seq FROM audit_logs a WHERE ${inScope} AND a.occurred_at < $2 ORDER BY a.occurred_at DESC, a.id DESC LIMIT 1`, range.to) : headSeq;
    if (fromSeq === null || toSeq === null || toSeq < fromSeq || toSeq === 0) return result;
    result.fromSeq = fromSeq;
    result.toSeq = toSeq;

    let prevHash = AUDIT_CHAIN_GENESIS;
    if (fromSeq > 1) {
      const [before]: { hash: Buffer }[] = await tx.query(`SELECT a.hash FROM audit_logs a WHERE ${inScope} AND a.seq = $2`, [scopeParam, fromSeq - 1]);
      if (!before) return { ...result, firstBrokenLink: { seq: fromSeq - 1, id: null, occurredAt: null, expectedHash: null, storedHash: null, reason: 'missing_row' } };
      prevHash = before.hash;
    }
    let expectedSeq = fromSeq;
    for (;;) {
      // ORDER BY tenant_id, seq is the unique index's order: with `tenant_id IS NULL` (the platform
      // chain) PostgreSQL does not treat the first column as fixed, and would sort for ORDER BY seq.
      const rows: ChainRow[] = await tx.query(
        `SELECT ${AUDIT_CHAIN_TEXT_SQL} FROM audit_logs a WHERE ${inScope} AND a.seq >= $2 AND a.seq <= $3 ORDER BY a.tenant_id, a.seq LIMIT ${VERIFY_BATCH}`,
        [scopeParam, expectedSeq, toSeq],
      );
      for (const row of rows) {
        const broken = this.checkRow(row, expectedSeq, prevHash);
        if (broken) return { ...result, firstBrokenLink: broken };
        if (row.pseudonymised_at) result.pseudonymised++;
        result.checked++;
        prevHash = row.stored_hash;
        expectedSeq++;
      }
      if (rows.length < VERIFY_BATCH) break;
    }
    if (expectedSeq <= toSeq) return { ...result, firstBrokenLink: { seq: expectedSeq, id: null, occurredAt: null, expectedHash: null, storedHash: null, reason: 'missing_row' } };
    if (!range.to && head && !head.hash.equals(prevHash)) {
      return { ...result, firstBrokenLink: { seq: headSeq, id: null, occurredAt: null, expectedHash: hex(prevHash), storedHash: hex(head.hash), reason: 'head_mismatch' } };
    }
    return result;
  }

  /** The first failed check of one row, or null when its link holds. */
  private checkRow(row: ChainRow, expectedSeq: number, prevHash: Buffer): ChainBreak | null {
    const at = { id: row.id, occurredAt: row.occurred_at };
    if (Number(row.seq) !== expectedSeq) return { seq: expectedSeq, id: null, occurredAt: null, expectedHash: null, storedHash: null, reason: 'missing_row' };
    const seq = expectedSeq;
    if (row.chain_version !== AUDIT_CHAIN_VERSION) return { seq, ...at, expectedHash: null, storedHash: hex(row.stored_hash), reason: 'unknown_version' };
    if (!row.stored_prev_hash.equals(prevHash)) return { seq, ...at, expectedHash: hex(prevHash), storedHash: hex(row.stored_prev_hash), reason: 'prev_hash_mismatch' };
    if (!row.pseudonymised_at) {
      const personal = personalDigestV1(row);
      if (!personal.equals(row.stored_personal_digest)) return { seq, ...at, expectedHash: hex(personal), storedHash: hex(row.stored_personal_digest), reason: 'personal_digest_mismatch' };
    }
    const expected = chainHashV1(prevHash, row);
    if (!expected.equals(row.stored_hash)) return { seq, ...at, expectedHash: hex(expected), storedHash: hex(row.stored_hash), reason: 'hash_mismatch' };
    return null;
  }

  /**
   * Publishes the head of every chain that moved since its last publication: one
   * `audit.chain_head_published` row in that chain (tenant chains first, each in its own short
   * transaction, in scope order), naming the head it seals (`headSeq`, `headHash`), then one in
   * the platform chain, written every run, that also carries `chains` (how many tenant heads this
   * run published) and `headsDigest`: SHA-256 (hex) of the lines `<tenantId> <headSeq>
   * <headHash>\n` of those heads in tenant-id order, so one row anchors them all. Idle chains
   * are skipped: their last publication still names their head. Returns how many rows it wrote.
   */
  async publishHeads(): Promise<number> {
    const runId = randomUUID();
    const day = this.clock.now().toISOString().slice(0, 10);
    const digest = createHash('sha256');
    let chains = 0;
    let after = PLATFORM_CHAIN_SCOPE;
    for (;;) {
      const heads: { scope_key: string }[] = await this.uow.run(() =>
        this.txHost.tx.query(`SELECT scope_key FROM audit_chain_heads WHERE scope_key > $1 AND seq > published_seq ORDER BY scope_key LIMIT ${PUBLISH_BATCH}`, [after]),
      );
      for (const { scope_key: scopeKey } of heads) {
        const published = await this.uow.run(() => this.publishOne(scopeKey, { runId, day }));
        if (published) {
          digest.update(`${scopeKey} ${published.headSeq} ${published.headHash}\n`);
          chains++;
        }
      }
      if (heads.length < PUBLISH_BATCH) break;
      after = heads[heads.length - 1].scope_key;
    }
    await this.uow.run(() => this.publishOne(PLATFORM_CHAIN_SCOPE, { runId, day, chains, headsDigest: digest.digest('hex') }, true));
    return chains + 1;
  }

  /** Seals one chain's head with a row in that chain; null when it has not moved since its last publication (unless `always`). */
  private async publishOne(scopeKey: string, facts: Record<string, string | number>, always = false): Promise<{ headSeq: number; headHash: string } | null> {
    const tx = this.txHost.tx;
    const [head]: { seq: string; hash: Buffer; published_seq: string }[] = await tx.query(`SELECT seq, hash, published_seq FROM audit_chain_heads WHERE scope_key = $1 FOR UPDATE`, [scopeKey]);
    const headSeq = head ? Number(head.seq) : 0;
    if (!always && (!head || headSeq <= Number(head.published_seq))) return null;
    const headHash = head ? head.hash.toString('hex') : AUDIT_CHAIN_GENESIS.toString('hex');
    const tenantId = scopeKey === PLATFORM_CHAIN_SCOPE ? null : scopeKey;
    await this.audit.record(
      { channel: 'job', action: 'audit.chain_head_published', module: 'audit', resourceType: 'audit_chain', resourceId: tenantId ?? 'platform', tenantId, metadata: { ...facts, headSeq, headHash } },
      tx,
    );
    await tx.query(`UPDATE audit_chain_heads SET published_seq = seq, published_at = now() WHERE scope_key = $1`, [scopeKey]);
    return { headSeq, headHash };
  }
}
