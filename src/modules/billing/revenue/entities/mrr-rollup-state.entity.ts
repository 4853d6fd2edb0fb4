import { Check, Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * How far `mrr_month_totals` is complete: every movement before `closedUntil` (a month's first
 * instant) is summed there; null, nothing is. One row (id 1). The rollup job moves it forward to the
 * current month; a movement recorded before it (a repaired ledger, a purged tenant, a clock set
 * back in tests) moves it back, so the totals are never read stale.
 */
@Entity({ name: 'mrr_rollup_state' })
@Check('ck_mrr_rollup_state_single', `id = 1`)
export class MrrRollupState {
  @PrimaryColumn({ type: 'smallint' }) id: number;
  @Column({ type: 'timestamptz', nullable: true }) closedUntil: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
