import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { TenantOwned } from '../../../database/tenant-scoped.repository';

/**
 * A single-use refresh token, stored as its SHA-256 (the token has 256 bits of entropy).
 * Tokens of one login share a family; presenting a used token revokes the family
 * (OAuth 2.0 Security BCP, RFC 9700 §4.14.2 refresh token rotation).
 */
@TenantOwned()
@Entity({ name: 'refresh_tokens' })
@Index('ux_refresh_tokens_hash', ['tokenHash'], { unique: true })
@Index('ix_refresh_tokens_family', ['familyId'])
@Index('ix_refresh_tokens_principal', ['principalId'])
export class RefreshToken {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) familyId: string;
  @Column({ type: 'text' }) principalKind: 'platform' | 'tenant';
  @Column({ type: 'uuid' }) principalId: string;
  @Column({ type: 'uuid', nullable: true }) tenantId: string | null;
  @Column({ type: 'text' }) tokenHash: string;
  @Column({ type: 'timestamptz' }) expiresAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) usedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) revokedAt: Date | null;
  /**
   * How the login of this family authenticated (RFC 8176 `amr` values, e.g. `pwd`, or `pwd otp mfa`
   * after a second factor); every access token of the family carries it.
   */
  @Column({ type: 'text', array: true, default: () => "'{pwd}'" }) amr: string[];
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
