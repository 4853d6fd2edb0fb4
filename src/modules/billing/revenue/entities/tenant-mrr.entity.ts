import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { TenantOwned } from '../../../../database/tenant-scoped.repository';
import { bigintNumber } from '../../../../database/transformers';

/**
 * A tenant's last recorded MRR in one currency (minor units): the state the next movement is
 * computed from. A row exists once the tenant has had MRR in that currency, so a later rise from
 * 0 is a reactivation, not a new customer.
 */
@TenantOwned()
@Entity({ name: 'tenant_mrr' })
export class TenantMrr {
  @PrimaryColumn({ type: 'uuid' }) tenantId: string;
  @PrimaryColumn({ type: 'char', length: 3 }) currency: string;
  @Column({ type: 'bigint', transformer: bigintNumber }) mrrCents: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
