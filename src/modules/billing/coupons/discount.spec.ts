import { discountCents, discountDescription, periodsForDuration } from './discount';

describe('discountCents', () => {
  it.each([
    // [charge, percentOff, expected] — hand-computed, rounded half-even once
    [1234, 20, 247], // 246.8 → 247
    [1000, '12.5', 125], // exact
    [999, '33.33', 333], // 332.9667 → 333
    [1, 50, 0], // 0.5 → 0 (half to even)
    [3, 50, 2], // 1.5 → 2 (half to even)
    [5, 50, 2], // 2.5 → 2 (half to even)
    [15000, 100, 15000],
    [15000, '0.01', 2], // 1.5 → 2
    [12345, '99.99', 12344], // 12343.7655 → 12344
  ])('%p cents at %p %% off → %p', (charge, percentOff, expected) => {
    expect(discountCents(charge as number, { percentOff: percentOff as string | number, amountOffCents: null })).toBe(expected);
  });

  it('an amount off is taken up to the charge, never beyond', () => {
    expect(discountCents(15000, { percentOff: null, amountOffCents: 1000 })).toBe(1000);
    expect(discountCents(700, { percentOff: null, amountOffCents: 1000 })).toBe(700);
    expect(discountCents(1000, { percentOff: null, amountOffCents: 1000 })).toBe(1000);
  });

  it('a credit or nothing gets no discount', () => {
    expect(discountCents(0, { percentOff: 20, amountOffCents: null })).toBe(0);
    expect(discountCents(-500, { percentOff: 20, amountOffCents: null })).toBe(0);
    expect(discountCents(-500, { percentOff: null, amountOffCents: 100 })).toBe(0);
  });

  it('refuses terms that are not exactly one of a percentage and an amount, or out of range', () => {
    expect(() => discountCents(100, { percentOff: null, amountOffCents: null })).toThrow(/exactly one/);
    expect(() => discountCents(100, { percentOff: 10, amountOffCents: 10 })).toThrow(/exactly one/);
    expect(() => discountCents(100, { percentOff: 101, amountOffCents: null })).toThrow(/0–100/);
    expect(() => discountCents(1.5, { percentOff: 10, amountOffCents: null })).toThrow(/integer/);
  });
});

describe('periodsForDuration', () => {
  it('once is one period, forever has no end, repeating counts months as periods (an annual period is 12 months)', () => {
    expect(periodsForDuration('once', null, 'month')).toBe(1);
    expect(periodsForDuration('once', null, 'year')).toBe(1);
    expect(periodsForDuration('forever', null, 'month')).toBeNull();
    expect(periodsForDuration('repeating', 3, 'month')).toBe(3);
    expect(periodsForDuration('repeating', 3, 'year')).toBe(1);
    expect(periodsForDuration('repeating', 12, 'year')).toBe(1);
    expect(periodsForDuration('repeating', 18, 'year')).toBe(2);
  });
});

describe('discountDescription', () => {
  it('names the coupon and its terms', () => {
    expect(discountDescription('SPRING20', { percentOff: '20.00', amountOffCents: null, currency: null })).toBe('20 % off (SPRING20)');
    expect(discountDescription('HALF', { percentOff: '12.50', amountOffCents: null, currency: null })).toBe('12.5 % off (HALF)');
    expect(discountDescription('TENOFF', { percentOff: null, amountOffCents: 1000, currency: 'EUR' })).toBe('10.00 EUR off (TENOFF)');
    expect(discountDescription('YEN', { percentOff: null, amountOffCents: 500, currency: 'JPY' })).toBe('500 JPY off (YEN)');
  });
});
