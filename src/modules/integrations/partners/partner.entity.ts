import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { TenantOwned } from '../../../database/tenant-scoped.repository';

/** A partner's lifecycle: `active`, or `inactive` (every key of it stops at once). */
export type PartnerStatus = 'active' | 'inactive';

/** An outside company a tenant admin lets call the tenant's API with API keys (CONVENTIONS §11). */
@TenantOwned()
@Entity({ name: 'partners' })
@Index('ix_partners_tenant_created', ['tenantId', 'createdAt', 'id'])
export class Partner {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text', nullable: true }) description: string | null;
  @Column({ type: 'text', nullable: true }) contactEmail: string | null;
  @Column({ type: 'text', default: 'active' }) status: PartnerStatus;
  @Column({ type: 'timestamptz', nullable: true }) deactivatedAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
