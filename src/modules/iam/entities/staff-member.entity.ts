import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** Platform staff (super admins): owner, admin or support. Email is unique, stored lowercase. */
@Entity({ name: 'staff_members' })
@Index('ux_staff_members_email', ['email'], { unique: true })
export class StaffMember {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) email: string;
  @Column({ type: 'text' }) fullName: string;
  @Column({ type: 'text' }) role: 'owner' | 'admin' | 'support';
  /** argon2id PHC string; never leaves the iam context. */
  @Column({ type: 'text', select: false }) passwordHash: string;
  @Column({ type: 'boolean', default: true }) isActive: boolean;
  @Column({ type: 'timestamptz', nullable: true }) lastLoginAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
