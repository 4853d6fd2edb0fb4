import { toAllowance } from './quota.service';

describe('toAllowance', () => {
  it('an allowance of a monthly metric shows its period; a level shows none', () => {
    const at = new Date('2026-12-02T10:00:00Z');
    expect(toAllowance('automationsPerMonth', 100, 30, at)).toEqual({
      metric: 'automationsPerMonth',
      limit: 100,
      used: 30,
      remaining: 70,
      periodStart: '2026-12-01T00:00:00.000Z',
      periodEnd: '2027-01-01T00:00:00.000Z',
    });
    expect(toAllowance('members', 5, 7, at)).toEqual({ metric: 'members', limit: 5, used: 7, remaining: 0 });
    expect(toAllowance('projects', null, 2, at)).toEqual({ metric: 'projects', limit: null, used: 2, remaining: null });
  });
});
