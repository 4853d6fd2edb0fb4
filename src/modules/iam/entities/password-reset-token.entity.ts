import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { TenantOwned } from '../../../database/tenant-scoped.repository';

/** A single-use password reset token (stored as SHA-256), valid for one hour. */
@TenantOwned()
@Entity({ name: 'password_reset_tokens' })
@Index('ux_password_reset_tokens_hash', ['tokenHash'], { unique: true })
@Index('ix_password_reset_tokens_user', ['userId'])
export class PasswordResetToken {
  @PrimaryGeneratedColumn('uuid') id: string;
  /** Tenant user whose password it resets. */
  @Column({ type: 'uuid' }) userId: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @Column({ type: 'text' }) tokenHash: string;
  @Column({ type: 'timestamptz' }) expiresAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) usedAt: Date | null;
  /** Who asked for it: a tenant admin's or a staff member's id. */
  @Column({ type: 'uuid', nullable: true }) requestedBy: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
