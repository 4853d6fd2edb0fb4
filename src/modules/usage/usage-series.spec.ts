import { seriesRange } from './usage-series.service';

describe('seriesRange (UTC buckets)', () => {
  const now = new Date('2026-12-04T18:20:00Z');

  it('defaults to the last 30 days by day, the current day included', () => {
    expect(seriesRange('day', now)).toEqual({ from: new Date('2026-11-05T00:00:00Z'), to: new Date('2026-12-05T00:00:00Z'), buckets: 30 });
  });

  it('defaults to the last 24 hours by hour, the current hour included', () => {
    expect(seriesRange('hour', now)).toEqual({ from: new Date('2026-12-03T19:00:00Z'), to: new Date('2026-12-04T19:00:00Z'), buckets: 24 });
  });

  it('rounds from down and to up to whole buckets; an aligned to stays', () => {
    expect(seriesRange('hour', now, new Date('2026-12-01T10:59:59Z'), new Date('2026-12-01T12:00:00Z'))).toEqual({
      from: new Date('2026-12-01T10:00:00Z'),
      to: new Date('2026-12-01T12:00:00Z'),
      buckets: 2,
    });
    expect(seriesRange('day', now, new Date('2026-02-28T23:00:00Z'), new Date('2026-03-01T00:00:01Z')).buckets).toBe(2); // Feb 28 and Mar 1 (2026 is no leap year)
  });
});
