import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { isIsoDayInRange, IsIsoDateTimeInRange, parseIsoDateTime } from './validators';

describe('parseIsoDateTime', () => {
  it.each([
    ['1970-01-01T00:00:00Z', '1970-01-01T00:00:00.000Z'],
    ['2026-01-31T12:00:00Z', '2026-01-31T12:00:00.000Z'],
    ['2026-01-31T13:00:00+01:00', '2026-01-31T12:00:00.000Z'],
    ['2024-02-29T23:59:59.123456789Z', '2024-02-29T23:59:59.123Z'],
    ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
  ])('accepts %s', (input, iso) => {
    expect(parseIsoDateTime(input)?.toISOString()).toBe(iso);
  });

  it.each([
    ['before the range', '1969-12-31T23:59:59Z'],
    ['before the range once the offset is applied', '1970-01-01T00:30:00+01:00'],
    ['after the range', '10000-01-01T00:00:00Z'],
    ['after the range once the offset is applied', '9999-12-31T23:30:00-01:00'],
    ['a six-digit negative year', '-100000-01-01T00:00:00.000Z'],
    ['an expanded positive year', '+002026-01-01T00:00:00Z'],
    ['no time zone', '2026-01-31T12:00:00'],
    ['a date only', '2026-01-31'],
    ['no seconds', '2026-01-31T12:00Z'],
    ['a space separator', '2026-01-31 12:00:00Z'],
    ['Feb 30', '2026-02-30T00:00:00Z'],
    ['Feb 29 of a common year', '2026-02-29T00:00:00Z'],
    ['24:00', '2026-01-31T24:00:00Z'],
    ['a leap second', '2026-12-31T23:59:60Z'],
    ['an offset past 23:59', '2026-01-31T12:00:00+24:00'],
    ['junk', 'yesterday'],
    ['a huge string', `2026-01-31T12:00:00.${'1'.repeat(10_000)}Z`],
  ])('rejects %s (%s)', (_label, input) => {
    expect(parseIsoDateTime(input)).toBeNull();
  });

  it('rejects non-strings', () => {
    for (const v of [null, undefined, 0, Date.now(), [], {}, ['2026-01-31T12:00:00Z']]) expect(parseIsoDateTime(v)).toBeNull();
  });
});

describe('isIsoDayInRange', () => {
  it('accepts real days in range and rejects the rest', () => {
    for (const ok of ['1970-01-01', '2024-02-29', '9999-12-31']) expect(isIsoDayInRange(ok)).toBe(true);
    for (const bad of ['0000-01-01', '1969-12-31', '2026-02-30', '2026-1-1', '2026-01-31T00:00:00Z', 20260131, null]) expect(isIsoDayInRange(bad)).toBe(false);
  });
});

describe('@IsIsoDateTimeInRange()', () => {
  class Dto {
    @IsIsoDateTimeInRange({ optional: true, nullable: true }) at?: Date | null;
  }
  const check = (plain: object) => {
    const dto = plainToInstance(Dto, plain);
    return { dto, errors: validateSync(dto) };
  };

  it('turns a valid string into a Date', () => {
    const { dto, errors } = check({ at: '2026-01-31T13:00:00+01:00' });
    expect(errors).toEqual([]);
    expect(dto.at).toEqual(new Date('2026-01-31T12:00:00Z'));
  });

  it('lets absent and null through when optional', () => {
    expect(check({}).errors).toEqual([]);
    expect(check({ at: null }).errors).toEqual([]);
  });

  it('names the field, the format and the range when invalid', () => {
    const { errors } = check({ at: '-100000-01-01T00:00:00.000Z' });
    expect(errors).toHaveLength(1);
    expect(errors[0].property).toBe('at');
    expect(Object.values(errors[0].constraints ?? {})[0]).toMatch(/^at must be an ISO 8601 date-time with a time zone .* between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z$/);
  });
});
