import { matchesConditions, validateConditions } from './conditions';

describe('notification rule conditions', () => {
  const payload = { role: 'admin', threshold: 90, metric: 'projects', invoice: { totalCents: 4900, currency: 'USD' }, nothing: null };

  it('matches scalars by equality, every key at once, {} always', () => {
    expect(matchesConditions({}, payload)).toBe(true);
    expect(matchesConditions({ role: 'admin' }, payload)).toBe(true);
    expect(matchesConditions({ role: 'admin', metric: 'domains' }, payload)).toBe(false);
    expect(matchesConditions({ nothing: null }, payload)).toBe(true);
    expect(matchesConditions({ missing: null }, payload)).toBe(false);
  });

  it('applies operators, on nested paths, comparing like with like only', () => {
    expect(matchesConditions({ threshold: { gte: 90 } }, payload)).toBe(true);
    expect(matchesConditions({ threshold: { gt: 90 } }, payload)).toBe(false);
    expect(matchesConditions({ 'invoice.totalCents': { lt: 5000 } }, payload)).toBe(true);
    expect(matchesConditions({ 'invoice.currency': { in: ['EUR', 'USD'] } }, payload)).toBe(true);
    expect(matchesConditions({ role: { ne: 'viewer' } }, payload)).toBe(true);
    expect(matchesConditions({ role: { gte: 5 } }, payload)).toBe(false);
    expect(matchesConditions({ 'invoice.totalCents.x': 1 }, payload)).toBe(false);
  });

  it('names each invalid condition by its path', () => {
    expect(validateConditions({ role: 'admin', threshold: { gte: 80 }, metric: { in: ['a'] } })).toEqual([]);
    expect(validateConditions([])).toEqual([{ field: 'conditions', message: expect.any(String) }]);
    expect(validateConditions({ 'bad path': 1 })).toEqual([{ field: 'conditions.bad path', message: expect.any(String) }]);
    expect(validateConditions({ threshold: { between: [1, 2] } })).toEqual([{ field: 'conditions.threshold', message: expect.stringContaining('one operator') }]);
    expect(validateConditions({ threshold: { gte: [1] } })).toEqual([{ field: 'conditions.threshold', message: '"gte" takes a scalar' }]);
    expect(validateConditions({ role: ['a'] })).toEqual([{ field: 'conditions.role', message: expect.any(String) }]);
  });
});
