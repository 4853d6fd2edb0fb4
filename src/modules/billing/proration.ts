import Decimal from 'decimal.js';
import type { BillingPeriod } from '../../common/time';

/** A Decimal constructor that rounds half-even (banker's rounding, CONVENTIONS §10). */
const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN });

/** Rounds a Decimal amount of cents half-even to an integer number of cents. */
export function roundCents(value: Decimal.Value): number {
  return new D(value).toDecimalPlaces(0, Decimal.ROUND_HALF_EVEN).toNumber();
}

/** Seconds of `[from, to)`, whole seconds (proration is by the second, as Stripe's). */
function seconds(from: Date, to: Date): number {
  return Math.max(0, Math.floor(to.getTime() / 1000) - Math.floor(from.getTime() / 1000));
}

/**
 * The part of `period` left at `at`, by the second: (end − at) / (end − start), 1 before the
 * period starts and 0 at or after its end. Exact (a Decimal, never a float).
 */
export function remainingFraction(period: BillingPeriod, at: Date): Decimal {
  const total = seconds(period.start, period.end);
  if (total === 0) return new D(0);
  const from = at.getTime() < period.start.getTime() ? period.start : at;
  return new D(seconds(from, period.end)).div(total);
}

/**
 * A pending charge or credit computed by the billing rules, before it is recorded as a pending
 * invoice item. Amounts in integer minor units of the subscription's currency; a credit is negative.
 * `unitAmountCents` is the full-period unit price; `amountCents` is what is billed for `quantity`
 * units over `period` (prorated when `proration`), rounded half-even once. A discount line (what a
 * coupon takes off the other lines of the same charge, negative) names its `couponId`.
 */
export interface ChargeLine {
  description: string;
  quantity: number;
  unitAmountCents: number;
  amountCents: number;
  period: BillingPeriod;
  proration: boolean;
  couponId?: string;
}

/**
 * The charge (or credit) of changing a quantity (licenses) from `fromQuantity` to `toQuantity` at
 * `at` within `period`: (to − from) × unit × remaining fraction, rounded half-even once. Additions
 * charge the rest of the period now, removals credit the unused part (Stripe's
 * `proration_behavior=create_prorations`). `null` when nothing changes or the period is over.
 */
export function quantityChangeLine(input: {
  description: string;
  unitAmountCents: number;
  fromQuantity: number;
  toQuantity: number;
  period: BillingPeriod;
  at: Date;
}): ChargeLine | null {
  const delta = input.toQuantity - input.fromQuantity;
  const fraction = remainingFraction(input.period, input.at);
  if (delta === 0 || fraction.isZero()) return null;
  return {
    description: input.description,
    quantity: delta,
    unitAmountCents: input.unitAmountCents,
    amountCents: roundCents(fraction.mul(input.unitAmountCents).mul(delta)),
    period: { start: maxDate(input.at, input.period.start), end: input.period.end },
    proration: true,
  };
}

/**
 * The two lines of a price change made at `at` within `period` (Stripe's proration pair): a credit
 * for the unused time of the old price and a charge for the remaining time of the new one, each
 * rounded half-even once, so their sum is the prorated difference. Amounts are per period for
 * `quantity` units. A line that would be 0 is left out.
 */
export function priceChangeLines(input: {
  oldDescription: string;
  newDescription: string;
  oldUnitAmountCents: number;
  newUnitAmountCents: number;
  oldQuantity: number;
  newQuantity: number;
  period: BillingPeriod;
  at: Date;
}): ChargeLine[] {
  const fraction = remainingFraction(input.period, input.at);
  if (fraction.isZero()) return [];
  const period = { start: maxDate(input.at, input.period.start), end: input.period.end };
  const lines: ChargeLine[] = [
    {
      description: `Unused time on ${input.oldDescription}`,
      quantity: -input.oldQuantity,
      unitAmountCents: input.oldUnitAmountCents,
      amountCents: -roundCents(fraction.mul(input.oldUnitAmountCents).mul(input.oldQuantity)),
      period,
      proration: true,
    },
    {
      description: `Remaining time on ${input.newDescription}`,
      quantity: input.newQuantity,
      unitAmountCents: input.newUnitAmountCents,
      amountCents: roundCents(fraction.mul(input.newUnitAmountCents).mul(input.newQuantity)),
      period,
      proration: true,
    },
  ];
  return lines.filter((l) => l.amountCents !== 0);
}

/**
 * A full-period charge (a renewal, a conversion from trial, a new paid subscription): `quantity`
 * × unit, not prorated.
 */
export function periodChargeLine(input: { description: string; unitAmountCents: number; quantity: number; period: BillingPeriod }): ChargeLine {
  return {
    description: input.description,
    quantity: input.quantity,
    unitAmountCents: input.unitAmountCents,
    amountCents: input.unitAmountCents * input.quantity,
    period: input.period,
    proration: false,
  };
}

/**
 * A monthly amount of a price (MRR contribution): annual prices count as 1/12, rounded half-even.
 * @param interval the price's billing interval
 */
export function monthlyAmountCents(amountCents: number, interval: 'month' | 'year'): number {
  return interval === 'month' ? amountCents : roundCents(new D(amountCents).div(12));
}

function maxDate(a: Date, b: Date): Date {
  return a.getTime() >= b.getTime() ? a : b;
}
