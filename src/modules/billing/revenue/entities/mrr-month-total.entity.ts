import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { bigintNumber } from '../../../../database/transformers';

/**
 * The platform's MRR movements of one closed calendar month (UTC) in one currency and kind,
 * summed by the `billing:mrr-rollup` job so the metrics read 24 rows instead of every movement
 * (docs/adr/0022). Platform-wide: no tenant. Valid only for months before
 * `mrr_rollup_state.closed_until`.
 */
@Entity({ name: 'mrr_month_totals' })
export class MrrMonthTotal {
  @PrimaryColumn({ type: 'char', length: 3 }) currency: string;
  /** The month's first instant, UTC. */
  @PrimaryColumn({ type: 'timestamptz' }) month: Date;
  @PrimaryColumn({ type: 'text' }) kind: string;
  @Column({ type: 'bigint', transformer: bigintNumber }) amountCents: number;
  @Column({ type: 'int' }) movements: number;
  /** Distinct tenants with a movement of this kind in the month. */
  @Column({ type: 'int' }) tenants: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
