import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { TenantOwned } from '../../../database/tenant-scoped.repository';

/**
 * Why a session ended before it expired: `ended_by_staff` (POST …/end), `staff_deactivated` or
 * `staff_role_changed` (the impersonator lost the rights the session was started with).
 */
export const IMPERSONATION_END_REASONS = ['ended_by_staff', 'staff_deactivated', 'staff_role_changed'] as const;
export type ImpersonationEndReason = (typeof IMPERSONATION_END_REASONS)[number];

/** A time-limited "login as" session of a staff member in a tenant user's place. */
@TenantOwned()
@Entity({ name: 'impersonation_sessions' })
@Index('ix_impersonation_sessions_tenant', ['tenantId', 'startedAt'])
@Index('ix_impersonation_sessions_staff', ['staffId', 'startedAt'])
@Index('ix_impersonation_sessions_active', ['expiresAt'], { where: 'ended_at IS NULL' })
export class ImpersonationSession {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) staffId: string;
  @Column({ type: 'text' }) staffEmail: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @Column({ type: 'uuid' }) targetUserId: string;
  @Column({ type: 'text' }) targetUserEmail: string;
  @Column({ type: 'text' }) reason: string;
  @Column({ type: 'text', nullable: true }) ticketRef: string | null;
  @Column({ type: 'int' }) durationMinutes: number;
  @Column({ type: 'timestamptz' }) startedAt: Date;
  @Column({ type: 'timestamptz' }) expiresAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) endedAt: Date | null;
  /** Staff id that ended it early; null when it expired or the platform ended it. */
  @Column({ type: 'uuid', nullable: true }) endedBy: string | null;
  /** Why it ended early ({@link IMPERSONATION_END_REASONS}); null while active or when it expired. */
  @Column({ type: 'text', nullable: true }) endReason: ImpersonationEndReason | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
