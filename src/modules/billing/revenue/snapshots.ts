import type { Subscription } from '../entities/subscription.entity';
import type { MrrDiscount, MrrSubscription } from './metrics';

/** The columns of a subscription that its MRR (and the metrics) depend on, as a history snapshot keeps them. */
export interface MrrSnapshot extends MrrSubscription {
  subscriptionId: string;
  kind: Subscription['kind'];
  itemCode: string;
  currency: string;
  discount: MrrDiscount | null;
}

/** The snapshot of `sub` with its `discount`. */
export function snapshotOf(sub: Subscription, discount: MrrDiscount | null): MrrSnapshot {
  return {
    subscriptionId: sub.id,
    kind: sub.kind,
    itemCode: sub.itemCode,
    status: sub.status,
    interval: sub.interval,
    quantity: sub.quantity,
    perSeat: sub.perSeat,
    unitAmountCents: sub.unitAmountCents,
    seatUnitAmountCents: sub.seatUnitAmountCents,
    priceOverrideCents: sub.priceOverrideCents,
    currency: sub.currency,
    discount,
  };
}

const FIELDS = ['kind', 'itemCode', 'status', 'interval', 'quantity', 'perSeat', 'unitAmountCents', 'seatUnitAmountCents', 'priceOverrideCents', 'currency'] as const;

/** Whether two snapshots agree on every column (the discount compared by value). */
export function sameSnapshot(a: MrrSnapshot, b: MrrSnapshot): boolean {
  return FIELDS.every((f) => a[f] === b[f]) && discountKey(a.discount) === discountKey(b.discount);
}

/** The columns on which two snapshots differ. */
export function snapshotDifferences(a: MrrSnapshot, b: MrrSnapshot): string[] {
  const out: string[] = FIELDS.filter((f) => a[f] !== b[f]);
  if (discountKey(a.discount) !== discountKey(b.discount)) out.push('discount');
  return out;
}

function discountKey(d: MrrDiscount | null): string {
  return d ? JSON.stringify([d.percentOff === null || d.percentOff === undefined ? null : String(d.percentOff), d.amountOffCents ?? null]) : 'none';
}
