import { Check, Column, CreateDateColumn, Entity, Generated, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { TenantOwned } from '../../../../database/tenant-scoped.repository';
import { bigintNumber } from '../../../../database/transformers';
import type { MrrMovementKind } from '../metrics';

/**
 * One change of a tenant's MRR in one currency (ChartMogul's MRR movement), written by the
 * MrrRecorder in the transaction of the subscription change. Amounts in minor units;
 * `deltaCents = mrrAfterCents − mrrBeforeCents`, so summing deltas up to an instant gives the MRR
 * then. `occurredAt` is the injected Clock's instant of the change; `changeId` ties the movement
 * to the subscription history snapshots of the same recording (the rebuild replays them);
 * `subscriptionId` is the subscription whose change moved it most (null when none did).
 */
@TenantOwned()
@Entity({ name: 'mrr_movements' })
@Index('ix_mrr_movements_currency_occurred', ['currency', 'occurredAt'])
@Index('ix_mrr_movements_occurred', ['occurredAt'])
@Index('ix_mrr_movements_tenant_occurred', ['tenantId', 'occurredAt'])
@Index('ix_mrr_movements_change', ['changeId'])
@Check('ck_mrr_movements_kind', `kind IN ('new', 'expansion', 'contraction', 'churn', 'reactivation')`)
@Check('ck_mrr_movements_delta', `delta_cents = mrr_after_cents - mrr_before_cents AND mrr_before_cents >= 0 AND mrr_after_cents >= 0`)
export class MrrMovement {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'bigint', transformer: bigintNumber, insert: false, update: false })
  @Generated('increment')
  seq: number;
  @Column({ type: 'uuid' }) tenantId: string;
  @Column({ type: 'uuid', nullable: true }) subscriptionId: string | null;
  @Column({ type: 'uuid' }) changeId: string;
  @Column({ type: 'char', length: 3 }) currency: string;
  @Column({ type: 'timestamptz' }) occurredAt: Date;
  @Column({ type: 'text' }) kind: MrrMovementKind;
  @Column({ type: 'bigint', transformer: bigintNumber }) mrrBeforeCents: number;
  @Column({ type: 'bigint', transformer: bigintNumber }) mrrAfterCents: number;
  @Column({ type: 'bigint', transformer: bigintNumber }) deltaCents: number;
  /** What changed it, e.g. `subscription.licenses_changed`, `subscription.renewed`. */
  @Column({ type: 'text' }) cause: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
