import type { BillingInterval } from '../../common/time';
import type { CatalogPlan } from '../plans';
import type { Subscription } from './entities/subscription.entity';
import { ChargeLine, monthlyAmountCents, periodChargeLine } from './proration';

/** A plan's base and per-seat unit prices for `interval`, in minor units (what a new subscription captures). */
export function planPrices(plan: CatalogPlan, interval: BillingInterval): { unitAmountCents: number; seatUnitAmountCents: number } {
  return interval === 'month'
    ? { unitAmountCents: plan.monthlyPriceCents, seatUnitAmountCents: plan.seatMonthlyPriceCents }
    : { unitAmountCents: plan.annualPriceCents, seatUnitAmountCents: plan.seatAnnualPriceCents };
}

/**
 * What one full period of a subscription costs, in minor units: the negotiated override when set,
 * else base + seat price × licenses (plan) or price × quantity (per-seat module) or price (flat module).
 */
export function periodAmountCents(sub: Pick<Subscription, 'priceOverrideCents' | 'unitAmountCents' | 'seatUnitAmountCents' | 'quantity' | 'perSeat'>): number {
  if (sub.priceOverrideCents !== null) return sub.priceOverrideCents;
  const quantity = sub.quantity ?? 0;
  return sub.unitAmountCents * (sub.perSeat ? quantity : 1) + sub.seatUnitAmountCents * quantity;
}

/** The monthly cost of a subscription (annual counted as 1/12, half-even), in minor units. */
export function monthlyCostCents(sub: Parameters<typeof periodAmountCents>[0] & Pick<Subscription, 'interval'>): number {
  return monthlyAmountCents(periodAmountCents(sub), sub.interval);
}

/**
 * Whether the plan licenses seats: it limits members or prices a seat. A plan that does neither
 * has no licence count (its subscription's quantity is null and members are limited by the plan only).
 */
export function planLicensesSeats(plan: CatalogPlan): boolean {
  return (plan.limits.members ?? null) !== null || plan.seatMonthlyPriceCents > 0 || plan.seatAnnualPriceCents > 0;
}

/**
 * The charges of one full current period of `sub`: the negotiated price as one line, else the
 * base price and the licenses as separate lines (a line of 0 is left out).
 */
export function fullPeriodLines(sub: Subscription): ChargeLine[] {
  const period = { start: sub.currentPeriodStart, end: sub.currentPeriodEnd };
  const every = sub.interval === 'month' ? 'monthly' : 'annual';
  if (sub.priceOverrideCents !== null) return [periodChargeLine({ description: `${sub.itemCode} (${every}, negotiated price)`, unitAmountCents: sub.priceOverrideCents, quantity: 1, period })];
  const lines = [
    periodChargeLine({ description: `${sub.itemCode} (${every})`, unitAmountCents: sub.unitAmountCents, quantity: sub.perSeat ? (sub.quantity ?? 0) : 1, period }),
    periodChargeLine({ description: `${sub.quantity ?? 0} × license (${sub.itemCode}, ${every})`, unitAmountCents: sub.seatUnitAmountCents, quantity: sub.quantity ?? 0, period }),
  ];
  return lines.filter((l) => l.amountCents !== 0);
}

/**
 * The licenses a subscription has after moving to `plan`: a plan that prices seats keeps the
 * current count (its members limit is only the default); a plan that sells a fixed number of seats
 * (a members limit, no seat price) has that many; a plan that does neither licenses none (null).
 */
export function licensesOnPlan(plan: CatalogPlan, current: number | null): number | null {
  const members = plan.limits.members ?? null;
  if (plan.seatMonthlyPriceCents > 0 || plan.seatAnnualPriceCents > 0) return current ?? members ?? 1;
  return members;
}
