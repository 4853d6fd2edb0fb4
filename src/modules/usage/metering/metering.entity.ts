import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { TenantOwned } from '../../../database/tenant-scoped.repository';

/**
 * A service's quota reservation or release, keyed by its idempotency key (per service client and
 * tenant): a retry answers what the first call did and counts nothing again. Only granted
 * reservations (and every release) are kept; a refused reservation rolls back with its 402, so a
 * retry of it is decided again.
 */
@TenantOwned()
@Entity({ name: 'quota_reservations' })
@Index('ux_quota_reservations_key', ['tenantId', 'clientId', 'kind', 'idempotencyKey'], { unique: true })
export class QuotaReservation {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  /** The service client's row id. */
  @Column({ type: 'uuid' }) clientId: string;
  @Column({ type: 'text' }) kind: 'reserve' | 'release';
  @Column({ type: 'text' }) idempotencyKey: string;
  /** SHA-256 of the request's fields, to tell a replay from a reuse of the key. */
  @Column({ type: 'text' }) requestHash: string;
  @Column({ type: 'text' }) metric: string;
  @Column({ type: 'integer' }) amount: number;
  @Column({ type: 'text', nullable: true }) resourceType: string | null;
  @Column({ type: 'text', nullable: true }) resourceId: string | null;
  @Column({ type: 'integer', nullable: true }) limitAtDecision: number | null;
  @Column({ type: 'bigint' }) usedAfter: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

/**
 * The dedupe key of a usage event: (tenant, event id), kept 36 days (events older than 35 days are
 * refused, so an older key can never be needed). Separate from the events, which are partitioned
 * by month: a unique index on a partitioned table must contain the partition key.
 */
@TenantOwned()
@Entity({ name: 'usage_event_keys' })
export class UsageEventKey {
  @PrimaryColumn('uuid') tenantId: string;
  @PrimaryColumn('text') eventId: string;
  @Column({ type: 'timestamptz' }) occurredAt: Date;
  @CreateDateColumn({ type: 'timestamptz' }) receivedAt: Date;
}

/** Which usage thresholds (80, 90, 100 %) a metric has crossed in a period: one row each until use falls below again. */
@TenantOwned()
@Entity({ name: 'usage_threshold_states' })
export class UsageThresholdState {
  @PrimaryColumn('uuid') tenantId: string;
  @PrimaryColumn('text') metric: string;
  @PrimaryColumn('date') periodStart: string;
  @PrimaryColumn('integer') threshold: number;
  @CreateDateColumn({ type: 'timestamptz' }) reachedAt: Date;
}

/**
 * A product module's true count of a level it owns (projects, domains), as it last reported it
 * (`PUT /service/usage/gauges`): the nightly recount corrects the counter to it.
 */
@TenantOwned()
@Entity({ name: 'usage_gauges' })
export class UsageGauge {
  @PrimaryColumn('uuid') tenantId: string;
  @PrimaryColumn('text') metric: string;
  @Column({ type: 'bigint' }) value: string;
  @Column({ type: 'timestamptz' }) observedAt: Date;
  /** The service client that reported it. */
  @Column({ type: 'uuid' }) clientId: string;
  @CreateDateColumn({ type: 'timestamptz' }) receivedAt: Date;
}
