/** Keys whose values never reach the audit trail or logs (matched case-insensitively). */
const SECRET_KEY = /pass(word)?|secret|token|api[-_]?key|authorization|cookie|credential|signature|private/i;

export const REDACTED = '[REDACTED]';

/** Deep copy of `value` with every secret-looking key replaced by `[REDACTED]`. */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    out[key] = SECRET_KEY.test(key) ? REDACTED : redactSecrets(v, depth + 1);
  }
  return out;
}
