import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { TenantOwned } from '../../../database/tenant-scoped.repository';

/**
 * Per-tenant collection settings of the billing context. `enforcementPaused`: staff exempted the
 * tenant from dunning enforcement (no module is turned off and the tenant is not suspended for
 * non-payment while set; retries still run). No row = the defaults.
 */
@TenantOwned()
@Entity({ name: 'billing_accounts' })
export class BillingAccount {
  @PrimaryColumn({ type: 'uuid' }) tenantId: string;
  @Column({ type: 'boolean', default: false }) enforcementPaused: boolean;
  @Column({ type: 'text', nullable: true }) enforcementPausedReason: string | null;
  @Column({ type: 'timestamptz', nullable: true }) enforcementPausedAt: Date | null;
  @Column({ type: 'uuid', nullable: true }) enforcementPausedBy: string | null;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
