import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { randomUUID } from 'node:crypto';
import { Clock } from '../../../common/time';
import { TenantScopedRepository } from '../../../database/tenant-scoped.repository';
import { Subscription } from '../entities/subscription.entity';
import { MrrMovement } from './entities/mrr-movement.entity';
import { SubscriptionHistory } from './entities/subscription-history.entity';
import { TenantMrr } from './entities/tenant-mrr.entity';
import { MrrDiscounts } from './mrr-discounts';
import { ComputedMovement, CurrencyMrrState, diffTenantMrr, monthStart, subscriptionMrrCents, tenantMrrByCurrency } from './metrics';
import { LOWER_ROLLUP_HORIZON_SQL } from './mrr-rollup.service';
import { MrrSnapshot, sameSnapshot, snapshotOf } from './snapshots';

/** What one recording wrote. */
export interface MrrRecording {
  changeId: string;
  snapshots: number;
  movements: ComputedMovement[];
}

/**
 * Records a tenant's MRR after a subscription change, in the caller's transaction (TransactionHost):
 * appends a `subscription_history` snapshot for each subscription whose MRR columns changed since
 * its last snapshot, recomputes the tenant's MRR per currency from its subscription rows
 * ({@link subscriptionMrrCents}, discounts from the {@link MrrDiscounts} port), and writes an
 * `mrr_movements` row per currency that differs from the last recorded state (`tenant_mrr`), at
 * the injected Clock's instant (a movement before the monthly rollup's horizon moves it back).
 * Nothing changed → nothing written, so calling it twice is harmless.
 * A transaction-scoped advisory lock per tenant orders concurrent recordings (the lifecycle job
 * renewing one subscription while staff change another): each reads the other's committed rows.
 */
@Injectable()
export class MrrRecorder {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly clock: Clock,
    private readonly discounts: MrrDiscounts,
  ) {}

  /**
   * Records the tenant's MRR now; `cause` names the change (e.g. `subscription.licenses_changed`).
   * Returns what was written.
   */
  async record(tenantId: string, cause: string): Promise<MrrRecording> {
    const tx = this.txHost.tx;
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('mrr:' || $1, 0))`, [tenantId]);
    const subs = await new TenantScopedRepository(tx, Subscription, tenantId).find({ order: { createdAt: 'ASC', id: 'ASC' } });
    const discounts = await this.discounts.forSubscriptions(tenantId, subs);
    const history = new TenantScopedRepository(tx, SubscriptionHistory, tenantId);
    const last = new Map(
      (await history.queryBuilder('h').distinctOn(['h.subscription_id']).orderBy('h.subscriptionId').addOrderBy('h.seq', 'DESC').getMany()).map((h) => [h.subscriptionId, historySnapshot(h)]),
    );
    const now = this.clock.now();
    const changeId = randomUUID();
    const snapshots = subs.map((s) => snapshotOf(s, discounts.get(s.id) ?? null));
    const changed = snapshots.filter((snap) => {
      const prev = last.get(snap.subscriptionId);
      return !prev || !sameSnapshot(snap, prev);
    });
    if (changed.length) {
      await history.insert(
        changed.map((snap) => ({
          ...snap,
          changeId,
          validFrom: now,
          previousStatus: last.get(snap.subscriptionId)?.status ?? null,
          cause,
        })),
      );
    }
    const state = new TenantScopedRepository(tx, TenantMrr, tenantId);
    const previous = new Map<string, CurrencyMrrState>((await state.find()).map((r) => [r.currency, { mrrCents: r.mrrCents }]));
    const movements = diffTenantMrr(previous, tenantMrrByCurrency(snapshots));
    if (movements.length) {
      await new TenantScopedRepository(tx, MrrMovement, tenantId).insert(
        movements.map((m) => ({ ...m, changeId, occurredAt: now, cause, subscriptionId: mover(m.currency, changed, last) })),
      );
      for (const m of movements) {
        if (previous.has(m.currency)) await state.update({ currency: m.currency }, { mrrCents: m.mrrAfterCents });
        else await state.insert({ currency: m.currency, mrrCents: m.mrrAfterCents });
      }
      await tx.query(LOWER_ROLLUP_HORIZON_SQL, [now, monthStart(now)]);
    }
    return { changeId, snapshots: changed.length, movements };
  }

  /** The tenant's MRR per currency now, from its subscription rows (what {@link record} would record). */
  async currentMrr(tenantId: string): Promise<Map<string, number>> {
    const subs = await new TenantScopedRepository(this.txHost.tx, Subscription, tenantId).find();
    const discounts = await this.discounts.forSubscriptions(tenantId, subs);
    return tenantMrrByCurrency(subs.map((s) => snapshotOf(s, discounts.get(s.id) ?? null)));
  }
}

/** A stored history row as a snapshot. */
export function historySnapshot(h: SubscriptionHistory): MrrSnapshot {
  return {
    subscriptionId: h.subscriptionId,
    kind: h.kind,
    itemCode: h.itemCode,
    status: h.status,
    interval: h.interval,
    quantity: h.quantity,
    perSeat: h.perSeat,
    unitAmountCents: h.unitAmountCents,
    seatUnitAmountCents: h.seatUnitAmountCents,
    priceOverrideCents: h.priceOverrideCents,
    currency: h.currency,
    discount: h.discount,
  };
}

/**
 * The subscription whose MRR in `currency` moved most between its `previous` snapshot and its
 * `changed` one (null when none did): the movement's `subscriptionId`.
 */
export function mover(currency: string, changed: MrrSnapshot[], previous: ReadonlyMap<string, MrrSnapshot>): string | null {
  let best: { id: string; delta: number } | null = null;
  for (const snap of changed) {
    const prev = previous.get(snap.subscriptionId);
    const before = prev && prev.currency === currency ? subscriptionMrrCents(prev, prev.discount) : 0;
    const after = snap.currency === currency ? subscriptionMrrCents(snap, snap.discount) : 0;
    const delta = Math.abs(after - before);
    if (delta > 0 && (!best || delta > best.delta)) best = { id: snap.subscriptionId, delta };
  }
  return best?.id ?? null;
}
