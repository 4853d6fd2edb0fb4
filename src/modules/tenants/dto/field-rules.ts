import { registerDecorator, ValidateIf, ValidationOptions } from 'class-validator';

/** Optional but not nullable: unlike `@IsOptional()`, `null` is validated (and so rejected by the other rules). */
export const OptionalNotNull = () => ValidateIf((_o, value) => value !== undefined);

/** The runtime's canonical spelling of an IANA time zone (`europe/berlin` → `Europe/Berlin`), or null if unknown. */
export function canonicalTimeZone(value: string): string | null {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(value)) return null;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** The canonical form of a BCP 47 language tag (`en-us` → `en-US`, RFC 5646 via ECMA-402), or null if invalid. */
export function canonicalLocale(value: string): string | null {
  if (value.length > 35) return null;
  try {
    return Intl.getCanonicalLocales(value)[0] ?? null;
  } catch {
    return null;
  }
}

/** class-transformer helper: canonicalises a string with `fn` when valid, else leaves it for the validator to reject. */
export const canonicalise =
  (fn: (v: string) => string | null) =>
  ({ value }: { value: unknown }): unknown =>
    typeof value === 'string' ? (fn(value.trim()) ?? value) : value;

function stringRule(name: string, message: string, test: (v: string) => boolean, options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} ${message}`, ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && test(value) },
    });
}

/** An IANA time zone known to the runtime (e.g. Europe/Berlin, UTC). */
export const IsIanaTimeZone = (options?: ValidationOptions) =>
  stringRule('isIanaTimeZone', 'must be an IANA time zone (e.g. Europe/Berlin)', (v) => canonicalTimeZone(v) !== null, options);

/** A well-formed BCP 47 language tag (e.g. en, de-CH). */
export const IsBcp47Locale = (options?: ValidationOptions) =>
  stringRule('isBcp47Locale', 'must be a BCP 47 language tag (e.g. en, de-CH)', (v) => canonicalLocale(v) !== null, options);
