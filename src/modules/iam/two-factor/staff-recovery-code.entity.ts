import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { StaffMember } from '../entities/staff-member.entity';

/**
 * A single-use recovery code of a staff member's two-factor authentication, stored as its
 * HMAC-SHA256 only (TwoFactorSecrets.hashRecoveryCode); the codes are shown once, when issued.
 * A used code keeps its row (`usedAt`) until the next issue replaces the set.
 */
@Entity({ name: 'staff_recovery_codes' })
@Index('ux_staff_recovery_codes_hash', ['staffId', 'codeHash'], { unique: true })
export class StaffRecoveryCode {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) staffId: string;
  @ManyToOne(() => StaffMember, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'staff_id' }) staff?: StaffMember;
  @Column({ type: 'text' }) codeHash: string;
  @Column({ type: 'timestamptz', nullable: true }) usedAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
