import type { FieldError } from '../../common/errors';

/**
 * The condition language of notification rules: a JSON object whose keys are dotted paths into
 * the event payload (`role`, `invoice.totalCents`) and whose values are a scalar (equality) or
 * one operator object: `{ "eq" | "ne" | "gt" | "gte" | "lt" | "lte": scalar }` or
 * `{ "in": [scalars] }`. Every key must hold for a match; `{}` matches everything. No code is
 * evaluated: it is data compared to data.
 */
export type Scalar = string | number | boolean | null;

/** Operators of the condition language. */
export const CONDITION_OPERATORS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in'] as const;

const PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,4}$/;
const isScalar = (v: unknown): v is Scalar => v === null || ['string', 'number', 'boolean'].includes(typeof v);

/** The problems of a conditions object, each naming its field as `conditions.<path>`; empty when valid. */
export function validateConditions(conditions: unknown): FieldError[] {
  if (conditions === null || typeof conditions !== 'object' || Array.isArray(conditions)) return [{ field: 'conditions', message: 'conditions must be an object of payload paths' }];
  const entries = Object.entries(conditions as Record<string, unknown>);
  if (entries.length > 20) return [{ field: 'conditions', message: 'conditions may hold at most 20 paths' }];
  const errors: FieldError[] = [];
  for (const [path, value] of entries) {
    const field = `conditions.${path}`;
    if (!PATH.test(path)) {
      errors.push({ field, message: 'a condition key is a dotted payload path (letters, digits, _; at most 5 levels)' });
      continue;
    }
    if (isScalar(value)) continue;
    if (typeof value !== 'object' || Array.isArray(value)) {
      errors.push({ field, message: 'a condition is a scalar or one operator object ({ "gte": 80 }, { "in": ["a", "b"] })' });
      continue;
    }
    const ops = Object.entries(value as Record<string, unknown>);
    if (ops.length !== 1 || !(CONDITION_OPERATORS as readonly string[]).includes(ops[0][0])) {
      errors.push({ field, message: `a condition object has one operator of ${CONDITION_OPERATORS.join(', ')}` });
      continue;
    }
    const [op, operand] = ops[0];
    if (op === 'in' ? !Array.isArray(operand) || operand.length > 100 || !operand.every(isScalar) : !isScalar(operand)) {
      errors.push({ field, message: op === 'in' ? '"in" takes an array of at most 100 scalars' : `"${op}" takes a scalar` });
    }
  }
  return errors;
}

/** The value at a dotted path of `payload`, or undefined. */
function at(payload: unknown, path: string): unknown {
  let v: unknown = payload;
  for (const key of path.split('.')) {
    if (v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(v, key)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/** Whether `payload` satisfies every condition (conditions assumed valid). Ordering compares numbers with numbers and strings with strings only. */
export function matchesConditions(conditions: Record<string, unknown>, payload: unknown): boolean {
  return Object.entries(conditions).every(([path, cond]) => {
    const v = at(payload, path);
    if (isScalar(cond)) return v === cond;
    const [op, operand] = Object.entries(cond as Record<string, unknown>)[0];
    switch (op) {
      case 'eq':
        return v === operand;
      case 'ne':
        return v !== operand;
      case 'in':
        return (operand as unknown[]).includes(v);
      default: {
        const comparable = (typeof v === 'number' && typeof operand === 'number') || (typeof v === 'string' && typeof operand === 'string');
        if (!comparable) return false;
        const a = v as number | string;
        const b = operand as number | string;
        return op === 'gt' ? a > b : op === 'gte' ? a >= b : op === 'lt' ? a < b : a <= b;
      }
    }
  });
}
