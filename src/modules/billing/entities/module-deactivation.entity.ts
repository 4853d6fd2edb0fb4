import { CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { TenantOwned } from '../../../database/tenant-scoped.repository';

/**
 * A module the tenant has switched off itself (its admins' on/off switch, billing unchanged): the
 * module is not enabled while the row exists, whatever its subscription or plan says.
 */
@TenantOwned()
@Entity({ name: 'module_deactivations' })
export class ModuleDeactivation {
  @PrimaryColumn('uuid') tenantId: string;
  @PrimaryColumn('uuid') moduleId: string;
  @CreateDateColumn({ type: 'timestamptz' }) deactivatedAt: Date;
}
