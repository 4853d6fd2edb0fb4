import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { TenantOwned } from '../../../database/tenant-scoped.repository';

/**
 * A free trial a tenant has used, one per module per tenant (the primary key decides, so two
 * concurrent trial starts cannot both succeed; a second one is 409 `trial_already_used`).
 */
@TenantOwned()
@Entity({ name: 'module_trials' })
export class ModuleTrial {
  @PrimaryColumn('uuid') tenantId: string;
  @PrimaryColumn('uuid') moduleId: string;
  @Column({ type: 'uuid' }) subscriptionId: string;
  @CreateDateColumn({ type: 'timestamptz' }) startedAt: Date;
}
