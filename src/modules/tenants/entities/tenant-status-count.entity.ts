import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../../../database/transformers';
import type { TenantStatus } from '../../../common/tenancy';

/**
 * How many tenants are in each status, kept exact by a deferred constraint trigger on `tenants`
 * (migration TenantStatusCounts): every INSERT, DELETE and status change adds its ±1 at COMMIT, in
 * status order, so the admin tenant list's `meta.total` without a filter (or with `status` alone)
 * is a read of at most five rows instead of a count of every tenant. Written only by the trigger.
 */
@Entity({ name: 'tenant_status_counts' })
export class TenantStatusCount {
  @PrimaryColumn({ type: 'text' }) status: TenantStatus;
  @Column({ type: 'bigint', transformer: bigintNumber, default: 0 }) tenants: number;
}
