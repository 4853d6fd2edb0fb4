import { registerDecorator, ValidationOptions } from 'class-validator';

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

