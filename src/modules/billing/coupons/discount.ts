import Decimal from 'decimal.js';
import type { BillingInterval } from '../../../common/time';

/** A Decimal constructor that rounds half-even (banker's rounding, CONVENTIONS §10). */
const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN });

/** How long a coupon's discount lasts once redeemed (Stripe's coupon `duration`). */
export const COUPON_DURATIONS = ['once', 'repeating', 'forever'] as const;
export type CouponDuration = (typeof COUPON_DURATIONS)[number];

/** The price terms of a discount: exactly one of a percentage (e.g. "20" or "12.5") or an amount in minor units. */
export interface DiscountTerms {
  percentOff: string | number | null;
  amountOffCents: number | null;
}

/**
 * What a discount takes off a charge, in minor units (a positive number, never more than the charge):
 * - `percentOff`: charge × percentOff / 100, computed exactly (decimal.js) and rounded half-even once
 *   (20 % of 1 234 = 246.8 → 247; 50 % of 1 = 0.5 → 0);
 * - `amountOffCents`: min(amountOffCents, charge).
 * A charge of 0 or less (a credit) gets no discount. Pure: the same figures feed the invoices
 * (the discount line of a period's charges) and the MRR net of discounts (monthly amounts).
 * @param chargeCents the positive charges the discount applies to, integer minor units
 * @throws Error when neither or both terms are given, or a term is out of range (a bug: the catalog refuses them)
 */
export function discountCents(chargeCents: number, d: DiscountTerms): number {
  const hasPercent = d.percentOff !== null && d.percentOff !== undefined;
  const hasAmount = d.amountOffCents !== null && d.amountOffCents !== undefined;
  if (hasPercent === hasAmount) throw new Error('a discount has exactly one of percentOff and amountOffCents');
  if (!Number.isSafeInteger(chargeCents)) throw new Error(`chargeCents must be an integer number of minor units, got ${chargeCents}`);
  if (chargeCents <= 0) return 0;
  if (hasAmount) {
    if (!Number.isSafeInteger(d.amountOffCents) || d.amountOffCents! < 0) throw new Error(`amountOffCents must be a non-negative integer, got ${d.amountOffCents}`);
    return Math.min(d.amountOffCents!, chargeCents);
  }
  const percent = new D(d.percentOff!);
  if (percent.isNaN() || percent.lt(0) || percent.gt(100)) throw new Error(`percentOff must be within 0–100, got ${d.percentOff}`);
  return new D(chargeCents).mul(percent).div(100).toDecimalPlaces(0, Decimal.ROUND_HALF_EVEN).toNumber();
}

/**
 * The billing periods a newly redeemed discount lasts (`periodsRemaining`): `once` → 1, `forever`
 * → null (no end), `repeating` → its months as periods of the subscription's interval, an annual
 * period counting as 12 months and a part of one as a whole (3 months on an annual plan → 1 period,
 * 18 → 2), as Stripe applies a repeating coupon to every invoice within its months.
 */
export function periodsForDuration(duration: CouponDuration, durationInMonths: number | null, interval: BillingInterval): number | null {
  if (duration === 'once') return 1;
  if (duration === 'forever') return null;
  const months = durationInMonths ?? 1;
  return interval === 'year' ? Math.ceil(months / 12) : months;
}

/** Digits after the decimal point of a currency's minor unit (2 for USD/EUR, 0 for JPY), from Intl. */
function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/**
 * The description of a discount line, naming the coupon: `20 % off (SPRING20)`, `10.00 EUR off (TENOFF)`.
 * Amounts are printed in major units of `currency`.
 */
export function discountDescription(code: string, d: DiscountTerms & { currency: string | null }): string {
  if (d.percentOff !== null && d.percentOff !== undefined) return `${new D(d.percentOff).toString()} % off (${code})`;
  const digits = minorDigits(d.currency ?? 'USD');
  return `${new D(d.amountOffCents ?? 0).div(new D(10).pow(digits)).toFixed(digits)} ${d.currency} off (${code})`;
}
