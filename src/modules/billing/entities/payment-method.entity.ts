import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { TenantOwned } from '../../../database/tenant-scoped.repository';

/**
 * A tenant's payment method on file, as the gateway stored it: the gateway's reference and what
 * may be shown (brand, last 4 digits, expiry) — never a card number. One `active` method per
 * tenant; replacing it detaches the previous one (kept for the payments that used it).
 */
@TenantOwned()
@Entity({ name: 'payment_methods' })
@Index('ux_payment_methods_active', ['tenantId'], { unique: true, where: `detached_at IS NULL` })
export class PaymentMethod {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @Column({ type: 'text' }) gateway: string;
  @Column({ type: 'text' }) reference: string;
  @Column({ type: 'text' }) type: string;
  @Column({ type: 'text' }) brand: string;
  @Column({ type: 'text' }) last4: string;
  @Column({ type: 'int' }) expMonth: number;
  @Column({ type: 'int' }) expYear: number;
  /** "Visa •••• 4242". */
  @Column({ type: 'text' }) label: string;
  @Column({ type: 'uuid', nullable: true }) addedBy: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) detachedAt: Date | null;
}
