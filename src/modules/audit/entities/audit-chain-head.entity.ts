import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * The head of one audit hash chain (docs/adr/0029): the last `seq` and `hash` of a tenant's rows,
 * or of the platform's (`scopeKey` = the nil UUID). Written only by the chain triggers of
 * audit_logs in the inserting transaction; its row lock is what orders one chain's inserts, so
 * unrelated tenants never wait on each other. Not tenant-owned data to erase: it outlives a purged
 * tenant with the tenant's audit rows.
 */
@Entity({ name: 'audit_chain_heads' })
export class AuditChainHead {
  /** The tenant id, or 00000000-0000-0000-0000-000000000000 for the platform chain. */
  @PrimaryColumn('uuid') scopeKey: string;
  /** seq of the chain's last row (0: no row yet). */
  @Column({ type: 'bigint' }) seq: string;
  /** hash of the chain's last row (32 zero bytes before the first). */
  @Column({ type: 'bytea' }) hash: Buffer;
  /** seq of the chain's last `audit.chain_head_published` row (0: never published). */
  @Column({ type: 'bigint', default: 0 }) publishedSeq: string;
  @Column({ type: 'timestamptz', nullable: true }) publishedAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
