import Decimal from 'decimal.js';
import type { Subscription } from '../entities/subscription.entity';
import { periodAmountCents } from '../pricing';
import { monthlyAmountCents, roundCents } from '../proration';

/**
 * Pure revenue-metric rules (MRR, movements, churn, ARPA, LTV, forecast), with the definitions
 * ChartMogul and Baremetrics publish. Money in integer minor units; ratios as decimal strings with
 * {@link RATIO_PLACES} fractional digits (a fraction of 1: "0.2000" is 20 %), rounded half-even.
 * Nothing here reads a clock or a database: the recorder, the rebuild and the metrics query feed it.
 */

/** A Decimal constructor that rounds half-even (CONVENTIONS §10). */
const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN });

/** Fractional digits of every ratio field. */
export const RATIO_PLACES = 4;

/** The MRR movement kinds (ChartMogul's). */
export const MRR_MOVEMENT_KINDS = ['new', 'expansion', 'contraction', 'churn', 'reactivation'] as const;
export type MrrMovementKind = (typeof MRR_MOVEMENT_KINDS)[number];

/**
 * A discount on a subscription's charge, per billing interval (a coupon's shape): `percentOff`
 * (0–100, a number or a decimal string) or `amountOffCents` (minor units off each period).
 */
export interface MrrDiscount {
  percentOff: number | string | null;
  amountOffCents: number | null;
  perInterval: true;
}

/** What the MRR of a subscription depends on. */
export type MrrSubscription = Pick<Subscription, 'status' | 'interval' | 'priceOverrideCents' | 'unitAmountCents' | 'seatUnitAmountCents' | 'quantity' | 'perSeat'>;

/**
 * The discount on a charge of `chargeCents`: `percentOff` % of it rounded half-even, else
 * `amountOffCents`; never more than the charge nor below 0. (The coupons work brings its own
 * `discountCents`; this one has the same contract so either can be passed to the MRR rules.)
 */
export function discountCents(chargeCents: number, d: MrrDiscount | null | undefined): number {
  if (!d || chargeCents <= 0) return 0;
  const off = d.percentOff !== null && d.percentOff !== undefined && String(d.percentOff) !== '' ? roundCents(new D(chargeCents).mul(new D(d.percentOff)).div(100)) : (d.amountOffCents ?? 0);
  return Math.min(chargeCents, Math.max(0, off));
}

/**
 * A subscription's MRR contribution in minor units: active or past_due → its period amount less
 * the discount, monthly (an annual amount ÷ 12, rounded half-even once); trial, suspended and
 * cancelled → 0 (ChartMogul: trials and ended subscriptions carry no MRR; a past-due customer
 * still does until churned).
 * @param discount applied to the period amount before dividing
 */
export function subscriptionMrrCents(sub: MrrSubscription, discount?: MrrDiscount | null): number {
  if (sub.status !== 'active' && sub.status !== 'past_due') return 0;
  const period = periodAmountCents(sub);
  return monthlyAmountCents(period - discountCents(period, discount), sub.interval);
}

/** Each currency's sum of {@link subscriptionMrrCents} (no FX: currencies are never added together). */
export function tenantMrrByCurrency(subs: (MrrSubscription & { currency: string; discount?: MrrDiscount | null })[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of subs) out.set(s.currency, (out.get(s.currency) ?? 0) + subscriptionMrrCents(s, s.discount));
  return out;
}

/**
 * The kind of a tenant's MRR change in one currency (ChartMogul): 0 → >0 is `new` when the tenant
 * never had MRR in that currency before, else `reactivation`; >0 → 0 is `churn`; up is
 * `expansion`, down `contraction`; null when equal.
 */
export function classifyMovement(beforeCents: number, afterCents: number, hadMrrBefore: boolean): MrrMovementKind | null {
  if (beforeCents === afterCents) return null;
  if (beforeCents === 0) return hadMrrBefore ? 'reactivation' : 'new';
  if (afterCents === 0) return 'churn';
  return afterCents > beforeCents ? 'expansion' : 'contraction';
}

/** A tenant's recorded MRR in one currency; a currency it never had MRR in has no entry. */
export interface CurrencyMrrState {
  mrrCents: number;
}

/** One computed movement of a tenant in one currency. */
export interface ComputedMovement {
  currency: string;
  kind: MrrMovementKind;
  mrrBeforeCents: number;
  mrrAfterCents: number;
  deltaCents: number;
}

/**
 * The movements between a tenant's last recorded MRR per currency (`previous`: an entry means it
 * had MRR there at some point) and its current MRR (`current`), sorted by currency. A currency
 * missing from `current` is 0 now.
 */
export function diffTenantMrr(previous: ReadonlyMap<string, CurrencyMrrState>, current: ReadonlyMap<string, number>): ComputedMovement[] {
  const currencies = [...new Set([...previous.keys(), ...current.keys()])].sort();
  const out: ComputedMovement[] = [];
  for (const currency of currencies) {
    const before = previous.get(currency)?.mrrCents ?? 0;
    const after = current.get(currency) ?? 0;
    const kind = classifyMovement(before, after, previous.has(currency));
    if (kind) out.push({ currency, kind, mrrBeforeCents: before, mrrAfterCents: after, deltaCents: after - before });
  }
  return out;
}

/** `numerator / denominator` as a decimal string of {@link RATIO_PLACES} digits (half-even); null when the denominator is 0. */
export function ratio(numerator: Decimal.Value, denominator: Decimal.Value): string | null {
  const d = new D(denominator);
  if (d.isZero()) return null;
  return new D(numerator).div(d).toFixed(RATIO_PLACES, Decimal.ROUND_HALF_EVEN);
}

/** Signed movement amounts of one month in one currency (contraction and churn ≤ 0), and the counts behind them. */
export interface MonthMovements {
  newCents: number;
  expansionCents: number;
  contractionCents: number;
  churnedCents: number;
  reactivationCents: number;
  /** Movements of kind new / reactivation / churn (each tenant alternates, so paying tenants move by new + reactivation − churn). */
  newMovements: number;
  reactivationMovements: number;
  churnMovements: number;
  /** Distinct tenants that churned in the month. */
  churnedTenants: number;
}

/** An empty {@link MonthMovements}. */
export function noMovements(): MonthMovements {
  return { newCents: 0, expansionCents: 0, contractionCents: 0, churnedCents: 0, reactivationCents: 0, newMovements: 0, reactivationMovements: 0, churnMovements: 0, churnedTenants: 0 };
}

/** The figures of one month bucket in one currency. */
export interface MonthFigures extends MonthMovements {
  mrrStartCents: number;
  mrrEndCents: number;
  netCents: number;
  payingTenantsStart: number;
  payingTenantsEnd: number;
  /** Churned tenants in the month / paying tenants at its start (ChartMogul's customer churn rate). */
  logoChurnRate: string | null;
  /** (churned + contraction MRR) / MRR at the month's start (gross MRR churn rate). */
  grossRevenueChurnRate: string | null;
  /** (churned + contraction − expansion − reactivation MRR) / MRR at the month's start (net MRR churn rate; negative is net expansion). */
  netRevenueChurnRate: string | null;
}

/**
 * A month's figures from its opening state and its movements. Rates are null when their
 * denominator (paying tenants or MRR at the start) is 0.
 */
export function monthFigures(start: { mrrCents: number; payingTenants: number }, m: MonthMovements): MonthFigures {
  const net = m.newCents + m.expansionCents + m.contractionCents + m.churnedCents + m.reactivationCents;
  const lost = -(m.churnedCents + m.contractionCents);
  return {
    ...m,
    mrrStartCents: start.mrrCents,
    mrrEndCents: start.mrrCents + net,
    netCents: net,
    payingTenantsStart: start.payingTenants,
    payingTenantsEnd: start.payingTenants + m.newMovements + m.reactivationMovements - m.churnMovements,
    logoChurnRate: ratio(m.churnedTenants, start.payingTenants),
    grossRevenueChurnRate: ratio(lost, start.mrrCents),
    netRevenueChurnRate: ratio(lost - m.expansionCents - m.reactivationCents, start.mrrCents),
  };
}

/** The mean of the non-null ratios, as a ratio string; null when there is none. */
export function averageRatio(values: (string | null)[]): string | null {
  const known = values.filter((v): v is string => v !== null);
  if (!known.length) return null;
  return ratio(known.reduce((sum, v) => sum.add(v), new D(0)), known.length);
}

/** Average revenue per account: MRR / paying tenants, rounded half-even; null without paying tenants. */
export function arpaCents(mrrCents: number, payingTenants: number): number | null {
  return payingTenants > 0 ? roundCents(new D(mrrCents).div(payingTenants)) : null;
}

/** Customer lifetime value, or why there is none. */
export interface LtvResult {
  ltvCents: number | null;
  reason: string | null;
}

/**
 * LTV = ARPA / monthly gross revenue churn rate (the period's months averaged), rounded
 * half-even (Baremetrics' LTV with revenue churn). Null with the reason when there is no ARPA or
 * no churn (the lifetime would be unbounded).
 */
export function ltv(arpa: number | null, averageMonthlyGrossRevenueChurnRate: string | null): LtvResult {
  if (arpa === null) return { ltvCents: null, reason: 'no paying tenants: ARPA is undefined' };
  if (averageMonthlyGrossRevenueChurnRate === null || new D(averageMonthlyGrossRevenueChurnRate).lte(0)) {
    return { ltvCents: null, reason: 'no revenue churn in the period: the expected lifetime is unbounded' };
  }
  return { ltvCents: roundCents(new D(arpa).div(averageMonthlyGrossRevenueChurnRate)), reason: null };
}

/** How {@link linearForecast} forecasts (stated in the metrics response). */
export const FORECAST_METHOD =
  'Ordinary least-squares line through the last 6 month-end MRR values (the last one is the MRR at `to`), extended 1, 2 and 3 months; rounded half-even, never below 0. Fewer than 2 values: flat.';

/** Months of history the forecast fits and months it forecasts. */
export const FORECAST_BASIS_MONTHS = 6;
export const FORECAST_MONTHS = 3;

/**
 * Forecasts `months` further monthly values from `values` (oldest first, evenly spaced months) by
 * least squares: slope = Σ(x−x̄)(y−ȳ) / Σ(x−x̄)², the line evaluated at x = n−1+k. Exact
 * (decimal.js), rounded half-even once, clamped at 0. One value: it repeats; none: zeros.
 */
export function linearForecast(values: number[], months = FORECAST_MONTHS): number[] {
  const n = values.length;
  if (n === 0) return Array.from({ length: months }, () => 0);
  if (n === 1) return Array.from({ length: months }, () => Math.max(0, values[0]));
  const xMean = new D(n - 1).div(2);
  const yMean = values.reduce((s, v) => s.add(v), new D(0)).div(n);
  let num = new D(0);
  let den = new D(0);
  values.forEach((y, x) => {
    const dx = new D(x).sub(xMean);
    num = num.add(dx.mul(new D(y).sub(yMean)));
    den = den.add(dx.mul(dx));
  });
  const slope = num.div(den);
  return Array.from({ length: months }, (_, k) => Math.max(0, roundCents(yMean.add(slope.mul(new D(n - 1 + k + 1).sub(xMean))))));
}

/** A month bucket: the calendar month (`YYYY-MM`, UTC) cut to the requested range, half-open [start, end). */
export interface MonthBucket {
  month: string;
  start: Date;
  end: Date;
}

/** The first instant of the UTC calendar month of `at`, moved by `addMonths`. */
export function monthStart(at: Date, addMonths = 0): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + addMonths, 1));
}

/** The calendar-month buckets of [from, to), UTC, the first and last cut to the range. */
export function monthBuckets(from: Date, to: Date): MonthBucket[] {
  const out: MonthBucket[] = [];
  for (let m = monthStart(from); m < to; m = monthStart(m, 1)) {
    const start = m < from ? from : m;
    const next = monthStart(m, 1);
    out.push({ month: m.toISOString().slice(0, 7), start, end: next > to ? to : next });
  }
  return out;
}
