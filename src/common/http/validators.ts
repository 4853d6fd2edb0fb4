import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { isISO8601, IsOptional, isRFC3339, registerDecorator, ValidationOptions } from 'class-validator';

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** ISO 4217 currency code known to the runtime's ICU data (e.g. USD, EUR). */
export function IsCurrencyCode(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isCurrencyCode',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must be an ISO 4217 currency code (e.g. USD)`, ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && CURRENCIES.has(value) },
    });
}

/** An object whose keys match `keyPattern` and whose values are booleans (feature flags by module code). */
export function IsBooleanMap(keyPattern = /^[a-z][a-z0-9_-]{0,62}$/, options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isBooleanMap',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must map lowercase module codes to booleans`, ...options },
      validator: {
        validate: (value: unknown) =>
          !!value && typeof value === 'object' && !Array.isArray(value) && Object.entries(value as object).every(([k, v]) => keyPattern.test(k) && typeof v === 'boolean'),
      },
    });
}

/**
 * Instants a date-time input may name: from the Unix epoch to the last millisecond of year 9999
 * (docs/adr/0011-request-shape-limits.md). Nothing this product schedules or filters lies outside
 * it, every such instant has a four-digit-year ISO 8601 form, and PostgreSQL's timestamptz and
 * date hold it (a wider instant, such as year -100000, is a database error, not a 400).
 */
export const DATE_TIME_RANGE = { min: '1970-01-01T00:00:00Z', max: '9999-12-31T23:59:59Z' } as const;
const MIN_MS = Date.parse(DATE_TIME_RANGE.min);
const MAX_MS = Date.parse('9999-12-31T23:59:59.999Z');
/** Longest date-time string looked at (an RFC 3339 date-time with nanoseconds and an offset is 35). */
const MAX_DATE_TIME_LENGTH = 40;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The rule of a date-time input, as the OpenAPI description and the 400 message state it. */
export const DATE_TIME_RULE = `an ISO 8601 date-time with a time zone (RFC 3339, e.g. 2026-01-31T12:00:00Z or 2026-01-31T13:00:00+01:00) between ${DATE_TIME_RANGE.min} and ${DATE_TIME_RANGE.max}`;
/** The rule of a calendar-day input (UTC day, YYYY-MM-DD). */
export const DAY_RULE = `a calendar day YYYY-MM-DD (e.g. 2026-01-31) between ${DATE_TIME_RANGE.min.slice(0, 10)} and ${DATE_TIME_RANGE.max.slice(0, 10)}`;

/**
 * The instant of an RFC 3339 date-time (ISO 8601 with `T`, seconds and a `Z` or ±hh:mm offset;
 * a real calendar date and time) within {@link DATE_TIME_RANGE}; null for anything else
 * (date only, no time zone, Feb 30, 24:00, year -100000, a non-string).
 */
export function parseIsoDateTime(value: unknown): Date | null {
  if (typeof value !== 'string' || value.length > MAX_DATE_TIME_LENGTH) return null;
  if (!isRFC3339(value) || !isISO8601(value, { strict: true, strictSeparator: true })) return null;
  const ms = Date.parse(value);
  return ms >= MIN_MS && ms <= MAX_MS ? new Date(ms) : null;
}

/** Whether `value` is a real calendar day `YYYY-MM-DD` within {@link DATE_TIME_RANGE}. */
export function isIsoDayInRange(value: unknown): value is string {
  return typeof value === 'string' && DAY.test(value) && parseIsoDateTime(`${value}T00:00:00Z`) !== null;
}

/** Options of {@link IsIsoDateTimeInRange} and {@link IsIsoDayInRange}. */
export interface DateInputOptions extends ValidationOptions {
  /** What the field means; the format and range are appended in the OpenAPI description. */
  description?: string;
  /** Absent (and null) values skip validation, as with `@IsOptional()`. */
  optional?: boolean;
  /** `null` is documented as allowed (e.g. to clear a date); use with `optional`. */
  nullable?: boolean;
}

function dateInput(kind: 'date-time' | 'date', options: DateInputOptions, rule: string, test: (value: unknown) => boolean): PropertyDecorator {
  const { description, optional = false, nullable = false, ...validation } = options;
  const doc = {
    type: String,
    format: kind,
    nullable: nullable || undefined,
    example: kind === 'date-time' ? '2026-01-31T12:00:00Z' : '2026-01-31',
    description: `${description ? `${description.replace(/\.?$/, '.')} ` : ''}${rule.charAt(0).toUpperCase()}${rule.slice(1)}.`,
  };
  const validator: PropertyDecorator = (target, propertyName) =>
    registerDecorator({
      name: kind === 'date-time' ? 'isIsoDateTimeInRange' : 'isIsoDayInRange',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must be ${rule}`, ...validation },
      validator: { validate: test },
    });
  return applyDecorators(
    optional ? ApiPropertyOptional(doc) : ApiProperty(doc),
    ...(optional ? [IsOptional()] : []),
    ...(kind === 'date-time' ? [Transform(({ value }: { value: unknown }) => parseIsoDateTime(value) ?? value)] : []),
    validator,
  );
}

/**
 * The one rule of a date-time input (body or query): {@link DATE_TIME_RULE}. Documents the field in
 * OpenAPI (`format: date-time`, the range in the description), converts a valid string to a `Date`
 * (so the handler gets a `Date`, like `@Type(() => Date)`) and rejects anything else — including
 * instants PostgreSQL cannot store — with a 400 naming the field.
 */
export function IsIsoDateTimeInRange(options: DateInputOptions = {}): PropertyDecorator {
  return dateInput('date-time', options, DATE_TIME_RULE, (value) => (value instanceof Date ? value.getTime() >= MIN_MS && value.getTime() <= MAX_MS : parseIsoDateTime(value) !== null));
}

/**
 * A calendar-day input (`YYYY-MM-DD`, a UTC day), same range as {@link IsIsoDateTimeInRange}
 * ({@link DAY_RULE}); documented as `format: date`, kept as the string.
 */
export function IsIsoDayInRange(options: DateInputOptions = {}): PropertyDecorator {
  return dateInput('date', options, DAY_RULE, isIsoDayInRange);
}
