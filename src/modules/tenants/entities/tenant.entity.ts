import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { TenantStatus } from '../../../common/tenancy';

/** A customer organisation. `slug` is its unique, immutable, URL-safe handle. */
@Entity({ name: 'tenants' })
@Index('ux_tenants_slug', ['slug'], { unique: true })
@Index('ix_tenants_status', ['status'])
@Index('ix_tenants_name', ['name', 'id'])
@Index('ix_tenants_created', ['createdAt', 'id'])
@Index('ix_tenants_tags', { synchronize: false }) // GIN index, hand-written in migration TenantsSearchIndexes
@Index('ix_tenants_search', { synchronize: false }) // trigram GIN on name/slug/contact_email, migration TenantSearchTrigram
export class Tenant {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text' }) slug: string;
  @Column({ type: 'text', default: 'active' }) status: TenantStatus;
  @Column({ type: 'text' }) contactEmail: string;
  @Column({ type: 'text', nullable: true }) contactPhone: string | null;
  @Column({ type: 'text', nullable: true }) billingEmail: string | null;
  /** IANA time zone, e.g. Europe/Berlin. */
  @Column({ type: 'text', default: 'UTC' }) timezone: string;
  /** ISO 4217 currency code. */
  @Column({ type: 'char', length: 3, default: 'USD' }) currency: string;
  /** BCP 47 language tag. */
  @Column({ type: 'text', default: 'en' }) locale: string;
  @Column({ type: 'text', array: true, default: () => `'{}'` }) tags: string[];
  @Column({ type: 'text', nullable: true }) suspendedReason: string | null;
  @Column({ type: 'timestamptz', nullable: true }) suspendedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) deletedAt: Date | null;
  /** When the purge job may erase the tenant's data (deletedAt + grace period). */
  @Column({ type: 'timestamptz', nullable: true }) purgeAfter: Date | null;
  /** Incremented on every update; the ETag of the tenant resource. */
  @VersionColumn({ default: 1 }) version: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
