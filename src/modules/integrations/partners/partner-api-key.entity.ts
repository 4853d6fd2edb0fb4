import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { TenantOwned } from '../../../database/tenant-scoped.repository';

/** A key's lifecycle: `active` (until `expiresAt`, when set) or `revoked`. */
export type ApiKeyStatus = 'active' | 'revoked';

/**
 * A partner's API key: `cpk_live_<prefix>_<secret>`, stored as the prefix (for lookup and display)
 * and the SHA-256 of the whole key (256 random bits: a slow hash adds nothing). A rotated-out key
 * keeps working until its `expiresAt` (the overlap), then stops.
 */
@TenantOwned()
@Entity({ name: 'partner_api_keys' })
@Index('ux_partner_api_keys_prefix', ['prefix'], { unique: true })
@Index('ix_partner_api_keys_partner', ['tenantId', 'partnerId', 'createdAt'])
export class PartnerApiKey {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @Column({ type: 'uuid' }) partnerId: string;
  @Column({ type: 'text' }) name: string;
  /** 12 base62 characters after `cpk_live_`; unique. */
  @Column({ type: 'text' }) prefix: string;
  @Column({ type: 'text' }) keyHash: string;
  @Column({ type: 'text', array: true }) scopes: string[];
  @Column({ type: 'timestamptz', nullable: true }) expiresAt: Date | null;
  @Column({ type: 'text', default: 'active' }) status: ApiKeyStatus;
  @Column({ type: 'timestamptz', nullable: true }) revokedAt: Date | null;
  /** The key that replaced this one at a rotation. */
  @Column({ type: 'uuid', nullable: true }) replacedBy: string | null;
  @Column({ type: 'timestamptz', nullable: true }) lastUsedAt: Date | null;
  @Column({ type: 'uuid', nullable: true }) createdBy: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
