import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { TenantOwned } from '../../../database/tenant-scoped.repository';

/** A user of one tenant. Email is unique per tenant, stored lowercase. */
@TenantOwned()
@Entity({ name: 'tenant_users' })
@Index('ux_tenant_users_tenant_email', ['tenantId', 'email'], { unique: true })
@Index('ix_tenant_users_tenant_role', ['tenantId', 'role', 'isActive'])
/** Serves the users list's ORDER BY created_at, id within a tenant. */
@Index('ix_tenant_users_tenant_created', ['tenantId', 'createdAt', 'id'])
export class TenantUser {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @Column({ type: 'text' }) email: string;
  @Column({ type: 'text' }) fullName: string;
  @Column({ type: 'text' }) role: 'admin' | 'manager' | 'member' | 'viewer';
  @Column({ type: 'text', select: false }) passwordHash: string;
  @Column({ type: 'boolean', default: true }) isActive: boolean;
  /** Set when the password was generated or reset by someone else. */
  @Column({ type: 'boolean', default: false }) mustChangePassword: boolean;
  @Column({ type: 'timestamptz', nullable: true }) lastLoginAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
