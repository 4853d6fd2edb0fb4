import { monthlyAmountCents, periodChargeLine, priceChangeLines, quantityChangeLine, remainingFraction, roundCents } from './proration';

const utc = (s: string) => new Date(`${s}Z`);

describe('proration (by the second, half-even once per line)', () => {
  // February 2026: 28 days = 2,419,200 s. March 2026: 31 days = 2,678,400 s.
  const feb = { start: utc('2026-02-01T00:00:00'), end: utc('2026-03-01T00:00:00') };
  const mar = { start: utc('2026-03-01T00:00:00'), end: utc('2026-04-01T00:00:00') };
  const feb2028 = { start: utc('2028-02-01T00:00:00'), end: utc('2028-03-01T00:00:00') }; // 29 days

  it('the remaining fraction counts calendar seconds', () => {
    expect(remainingFraction(feb, utc('2026-02-15T00:00:00')).toString()).toBe('0.5'); // 14 of 28 days
    expect(remainingFraction(mar, utc('2026-03-16T12:00:00')).toFixed(6)).toBe('0.500000'); // 15.5 of 31 days
    expect(remainingFraction(feb, feb.start).toString()).toBe('1');
    expect(remainingFraction(feb, feb.end).toString()).toBe('0');
    expect(remainingFraction(feb, utc('2026-01-20T00:00:00')).toString()).toBe('1');
    expect(remainingFraction(feb, utc('2026-03-05T00:00:00')).toString()).toBe('0');
  });

  it('adding 5 seats at $15 half-way through February charges 5 × 1500 × 14/28 = 3750', () => {
    const line = quantityChangeLine({ description: '5 × seat', unitAmountCents: 1500, fromQuantity: 10, toQuantity: 15, period: feb, at: utc('2026-02-15T00:00:00') });
    expect(line).toEqual({ description: '5 × seat', quantity: 5, unitAmountCents: 1500, amountCents: 3750, period: { start: utc('2026-02-15T00:00:00'), end: feb.end }, proration: true });
  });

  it('the same change on day 15 of a 29-day February and of a 31-day March differs', () => {
    // 29-day month, from Feb 15 00:00: 15 of 29 days left → 7500 × 15/29 = 3879.31… → 3879.
    expect(quantityChangeLine({ description: 's', unitAmountCents: 1500, fromQuantity: 10, toQuantity: 15, period: feb2028, at: utc('2028-02-15T00:00:00') })!.amountCents).toBe(3879);
    // 31-day month, from Mar 15 00:00: 17 of 31 days left → 7500 × 17/31 = 4112.90… → 4113.
    expect(quantityChangeLine({ description: 's', unitAmountCents: 1500, fromQuantity: 10, toQuantity: 15, period: mar, at: utc('2026-03-15T00:00:00') })!.amountCents).toBe(4113);
  });

  it('removing seats credits the unused part (negative amount)', () => {
    const line = quantityChangeLine({ description: 's', unitAmountCents: 1500, fromQuantity: 15, toQuantity: 3, period: feb, at: utc('2026-02-22T00:00:00') });
    // 12 seats × 1500 × 7/28 = 4500 credited.
    expect(line).toMatchObject({ quantity: -12, amountCents: -4500 });
  });

  it('rounds half-even once per line, not per unit', () => {
    expect(roundCents('2.5')).toBe(2);
    expect(roundCents('3.5')).toBe(4);
    expect(roundCents('-2.5')).toBe(-2);
    // 1 cent unit × 1 seat for half a period = 0.5 → 0 (half-even), and 3 seats = 1.5 → 2 (not 3 × 0).
    expect(quantityChangeLine({ description: 's', unitAmountCents: 1, fromQuantity: 0, toQuantity: 1, period: feb, at: utc('2026-02-15T00:00:00') })!.amountCents).toBe(0);
    expect(quantityChangeLine({ description: 's', unitAmountCents: 1, fromQuantity: 0, toQuantity: 3, period: feb, at: utc('2026-02-15T00:00:00') })!.amountCents).toBe(2);
  });

  it('no line when nothing changes or the period is over', () => {
    expect(quantityChangeLine({ description: 's', unitAmountCents: 1500, fromQuantity: 5, toQuantity: 5, period: feb, at: utc('2026-02-15T00:00:00') })).toBeNull();
    expect(quantityChangeLine({ description: 's', unitAmountCents: 1500, fromQuantity: 5, toQuantity: 6, period: feb, at: feb.end })).toBeNull();
  });

  it('an upgrade is a credit for the old price and a charge for the new one over the remaining time', () => {
    // $49 → $199 with 7 of 28 days left (Feb 22): −1225 and +4975, net 3750.
    const lines = priceChangeLines({
      oldDescription: 'Growth',
      newDescription: 'Enterprise',
      oldUnitAmountCents: 4900,
      newUnitAmountCents: 19900,
      oldQuantity: 1,
      newQuantity: 1,
      period: feb,
      at: utc('2026-02-22T00:00:00'),
    });
    expect(lines.map((l) => [l.description, l.quantity, l.amountCents])).toEqual([
      ['Unused time on Growth', -1, -1225],
      ['Remaining time on Enterprise', 1, 4975],
    ]);
  });

  it('a full-period charge is unit × quantity; annual prices count 1/12 a month, half-even', () => {
    expect(periodChargeLine({ description: 'Seats', unitAmountCents: 1500, quantity: 15, period: mar })).toMatchObject({ amountCents: 22500, proration: false });
    expect(monthlyAmountCents(19000, 'year')).toBe(1583); // 1583.33…
    expect(monthlyAmountCents(18, 'year')).toBe(2); // 1.5 → 2
    expect(monthlyAmountCents(30, 'year')).toBe(2); // 2.5 → 2
    expect(monthlyAmountCents(4900, 'month')).toBe(4900);
  });
});
