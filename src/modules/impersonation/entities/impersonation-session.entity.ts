import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A time-limited "login as" session of a staff member in a tenant user's place. */
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
  /** Staff id that ended it early; null when it expired. */
  @Column({ type: 'uuid', nullable: true }) endedBy: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
