import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { TenantOwned } from '../../../database/tenant-scoped.repository';

/** A staff note on a tenant (support context, escalations). Deleted only by its author. */
@TenantOwned()
@Entity({ name: 'tenant_notes' })
@Index('ix_tenant_notes_tenant', ['tenantId', 'pinned', 'createdAt'])
export class TenantNote {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  /** Staff member who wrote it. */
  @Column({ type: 'uuid' }) authorId: string;
  @Column({ type: 'text' }) authorEmail: string;
  @Column({ type: 'text' }) body: string;
  @Column({ type: 'boolean', default: false }) pinned: boolean;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
