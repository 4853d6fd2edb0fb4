import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { TenantStatus } from '../../../common/tenancy';

/** A customer organisation. `slug` is its unique, immutable, URL-safe handle. */
@Entity({ name: 'tenants' })
@Index('ux_tenants_slug', ['slug'], { unique: true })
export class Tenant {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text' }) slug: string;
  @Column({ type: 'text', default: 'active' }) status: TenantStatus;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
