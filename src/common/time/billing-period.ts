import { DateTime } from 'luxon';

/** Billing intervals (Stripe's `month` / `year`). */
export const BILLING_INTERVALS = ['month', 'year'] as const;
export type BillingInterval = (typeof BILLING_INTERVALS)[number];

/** A billing period, half-open: `start` ≤ t < `end`, instants in UTC. */
export interface BillingPeriod {
  start: Date;
  end: Date;
}

/**
 * The instant `n` intervals after `anchor`, on the calendar in UTC (CONVENTIONS §10): each period
 * end is counted from the anchor, not from the previous end, so a monthly cycle anchored on Jan 31
 * ends on Feb 28 (Feb 29 in a leap year), then Mar 31, Apr 30, … and an annual cycle anchored on
 * Feb 29 ends on Feb 28 of common years. The time of day is the anchor's. `n` may be negative.
 */
export function addBillingPeriods(anchor: Date, interval: BillingInterval, n: number): Date {
  const start = DateTime.fromJSDate(anchor, { zone: 'utc' });
  return (interval === 'month' ? start.plus({ months: n }) : start.plus({ years: n })).toJSDate();
}

/**
 * The period of the cycle anchored at `anchor` that contains `at` (periods before the anchor too).
 * @returns `{ start, end }` with start ≤ at < end.
 */
export function billingPeriodAt(anchor: Date, interval: BillingInterval, at: Date): BillingPeriod {
  const a = DateTime.fromJSDate(anchor, { zone: 'utc' });
  const t = DateTime.fromJSDate(at, { zone: 'utc' });
  const months = (t.year - a.year) * 12 + (t.month - a.month);
  let n = interval === 'month' ? months : Math.floor(months / 12);
  // The estimate is off by at most one period either way (day of month and time of day).
  while (addBillingPeriods(anchor, interval, n).getTime() > at.getTime()) n -= 1;
  while (addBillingPeriods(anchor, interval, n + 1).getTime() <= at.getTime()) n += 1;
  return { start: addBillingPeriods(anchor, interval, n), end: addBillingPeriods(anchor, interval, n + 1) };
}

/** Whole days from `from` until `to`, rounded up (a trial ending in 2.1 days has 3 days left); 0 when `to` has passed. */
export function daysBetweenCeil(from: Date, to: Date): number {
  const ms = to.getTime() - from.getTime();
  return ms <= 0 ? 0 : Math.ceil(ms / 86_400_000);
}

/** The instant `days` calendar days after `at` in UTC (same time of day). */
export function addDays(at: Date, days: number): Date {
  return DateTime.fromJSDate(at, { zone: 'utc' }).plus({ days }).toJSDate();
}
