import { addBillingPeriods, billingPeriodAt, daysBetweenCeil } from './billing-period';

const utc = (s: string) => new Date(`${s}Z`);
const iso = (d: Date) => d.toISOString().replace('.000Z', '');

describe('calendar billing periods (UTC)', () => {
  it('a monthly cycle anchored on Jan 31 ends on the last day of short months and returns to the 31st', () => {
    const anchor = utc('2026-01-31T10:00:00');
    expect([1, 2, 3, 4].map((n) => iso(addBillingPeriods(anchor, 'month', n)))).toEqual([
      '2026-02-28T10:00:00',
      '2026-03-31T10:00:00',
      '2026-04-30T10:00:00',
      '2026-05-31T10:00:00',
    ]);
  });

  it('February has 29 days in a leap year', () => {
    expect(iso(addBillingPeriods(utc('2028-01-31T00:00:00'), 'month', 1))).toBe('2028-02-29T00:00:00');
    expect(iso(addBillingPeriods(utc('2028-01-30T00:00:00'), 'month', 1))).toBe('2028-02-29T00:00:00');
    expect(iso(addBillingPeriods(utc('2027-01-29T00:00:00'), 'month', 1))).toBe('2027-02-28T00:00:00');
  });

  it('an annual cycle anchored on Feb 29 ends on Feb 28 in common years and Feb 29 in leap years', () => {
    const anchor = utc('2028-02-29T12:00:00');
    expect(iso(addBillingPeriods(anchor, 'year', 1))).toBe('2029-02-28T12:00:00');
    expect(iso(addBillingPeriods(anchor, 'year', 4))).toBe('2032-02-29T12:00:00');
  });

  it('billingPeriodAt finds the period containing an instant, boundaries half-open', () => {
    const anchor = utc('2026-01-31T10:00:00');
    expect(billingPeriodAt(anchor, 'month', utc('2026-03-15T00:00:00'))).toEqual({ start: utc('2026-02-28T10:00:00'), end: utc('2026-03-31T10:00:00') });
    // Exactly at a boundary: the new period.
    expect(billingPeriodAt(anchor, 'month', utc('2026-03-31T10:00:00')).start).toEqual(utc('2026-03-31T10:00:00'));
    // One second before it: still the old one.
    expect(billingPeriodAt(anchor, 'month', utc('2026-03-31T09:59:59')).end).toEqual(utc('2026-03-31T10:00:00'));
    // Before the anchor (negative periods).
    expect(billingPeriodAt(anchor, 'month', utc('2025-12-31T10:00:00'))).toEqual({ start: utc('2025-12-31T10:00:00'), end: utc('2026-01-31T10:00:00') });
    expect(billingPeriodAt(utc('2026-06-15T00:00:00'), 'year', utc('2028-06-14T23:59:59'))).toEqual({ start: utc('2027-06-15T00:00:00'), end: utc('2028-06-15T00:00:00') });
  });

  it('days left round up and never go negative', () => {
    expect(daysBetweenCeil(utc('2026-01-01T00:00:00'), utc('2026-01-03T02:00:00'))).toBe(3);
    expect(daysBetweenCeil(utc('2026-01-01T00:00:00'), utc('2026-01-15T00:00:00'))).toBe(14);
    expect(daysBetweenCeil(utc('2026-01-02T00:00:00'), utc('2026-01-01T00:00:00'))).toBe(0);
  });
});
