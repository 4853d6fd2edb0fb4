import {
  COUNT_PERIOD_START,
  isMetricCode,
  METRIC_CODES,
  METRIC_OWNERS,
  metricDefinition,
  METRICS,
  metricsOwnedBy,
  periodOf,
  pickMetrics,
} from './metrics';

describe('metric registry', () => {
  it('lists the metrics the API has always spelled, in order, each with its facts', () => {
    expect(METRIC_CODES).toEqual(['members', 'orgAdmins', 'projects', 'domains', 'automationsPerMonth']);
    expect(metricDefinition('members')).toEqual({ code: 'members', unit: 'seats', kind: 'count', reset: 'never', owner: 'iam', description: 'Active tenant users' });
    expect(metricDefinition('automationsPerMonth')).toMatchObject({ kind: 'period_total', reset: 'monthly', owner: 'automations', unit: 'runs' });
  });

  it('every metric is camelCase, owned by a known context, and a level never resets while a period total does', () => {
    for (const m of METRICS) {
      expect(m.code).toMatch(/^[a-z][A-Za-z]*$/);
      expect(METRIC_OWNERS).toContain(m.owner);
      expect(m.description.length).toBeGreaterThan(0);
      expect({ code: m.code, reset: m.reset }).toEqual({ code: m.code, reset: m.kind === 'count' ? 'never' : 'monthly' });
    }
    expect(new Set(METRIC_CODES).size).toBe(METRIC_CODES.length);
  });

  it('seats belong to iam; the product modules own the rest', () => {
    expect(metricsOwnedBy('iam')).toEqual(['members', 'orgAdmins']);
    expect(metricsOwnedBy('automations')).toEqual(['automationsPerMonth']);
  });

  it('recognises registry codes only', () => {
    expect(isMetricCode('orgAdmins')).toBe(true);
    for (const other of ['seats', 'toString', '__proto__', 'Members', 42, null]) expect(isMetricCode(other)).toBe(false);
    expect(() => metricDefinition('seats' as never)).toThrow(/registry/);
  });

  it('pickMetrics keeps registry keys in registry order (null included) and drops the rest', () => {
    expect(pickMetrics({ seats: 3, domains: 2, members: null, toString: 1 })).toEqual({ members: null, domains: 2 });
    expect(Object.keys(pickMetrics({ domains: 1, members: 2 }))).toEqual(['members', 'domains']);
    expect(pickMetrics(null)).toEqual({});
  });
});

describe('metric periods (calendar months in UTC)', () => {
  it('a level has the one fixed period and no end', () => {
    expect(periodOf('members', new Date('2026-12-02T10:00:00Z'))).toEqual({ start: COUNT_PERIOD_START, end: null });
    expect(COUNT_PERIOD_START).toBe('1970-01-01');
  });

  it('a monthly total counts in the UTC calendar month of the instant, end exclusive', () => {
    expect(periodOf('automationsPerMonth', new Date('2026-01-31T23:59:59.999Z'))).toEqual({ start: '2026-01-01', end: '2026-02-01' });
    expect(periodOf('automationsPerMonth', new Date('2026-02-01T00:00:00.000Z'))).toEqual({ start: '2026-02-01', end: '2026-03-01' });
    expect(periodOf('automationsPerMonth', new Date('2028-02-29T12:00:00Z'))).toEqual({ start: '2028-02-01', end: '2028-03-01' });
    expect(periodOf('automationsPerMonth', new Date('2026-12-15T00:00:00Z'))).toEqual({ start: '2026-12-01', end: '2027-01-01' });
    // 00:30 on Feb 1 in Berlin is still January in UTC.
    expect(periodOf('automationsPerMonth', new Date('2026-02-01T00:30:00+01:00'))).toEqual({ start: '2026-01-01', end: '2026-02-01' });
  });
});
