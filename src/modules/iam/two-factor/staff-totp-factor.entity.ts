import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { StaffMember } from '../entities/staff-member.entity';

/**
 * A staff member's TOTP authenticator (RFC 6238), at most one per member: pending from enrollment
 * until a first code confirms it (`confirmedAt`), then active. The shared secret is stored sealed
 * (TwoFactorSecrets, AES-256-GCM) and never leaves the iam context after enrollment.
 */
@Entity({ name: 'staff_totp_factors' })
@Index('ux_staff_totp_factors_staff', ['staffId'], { unique: true })
export class StaffTotpFactor {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) staffId: string;
  @ManyToOne(() => StaffMember, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'staff_id' }) staff?: StaffMember;
  /** `v1.<iv>.<tag>.<ciphertext>` of the base32 secret; never selected unless asked for. */
  @Column({ type: 'text', select: false }) secretSealed: string;
  /** When the enrollment was confirmed with a first code; null while pending. */
  @Column({ type: 'timestamptz', nullable: true }) confirmedAt: Date | null;
  /** Last successful use (sign-in or a confirmed sensitive action). */
  @Column({ type: 'timestamptz', nullable: true }) lastUsedAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
