import { REQUEST_SHAPE_LIMITS } from '../../common/http';

/** Keys whose values never reach the audit trail or logs (matched case-insensitively). */
// Recovery codes are one-time passwords that stay valid until used: a mistyped one must not be readable in the trail.
const SECRET_KEY = /pass(word)?|secret|token|api[-_]?key|authorization|cookie|credential|signature|private|recovery[-_]?codes?$/i;

export const REDACTED = '[REDACTED]';
/** Stands in for what lies deeper than {@link REDACTION_LIMITS} allows, or past an array's last kept item. */
export const TRUNCATED = '[truncated]';

/**
 * Bounds of a stored copy. Depth: twice the request limit, so everything the API accepts is kept
 * whole even inside the `{ request, before, after }` envelope; only a rejected hostile body is cut.
 * Array length: the request limit (docs/adr/0011-request-shape-limits.md).
 */
export const REDACTION_LIMITS = { maxDepth: 2 * REQUEST_SHAPE_LIMITS.maxDepth, maxArrayLength: REQUEST_SHAPE_LIMITS.maxArrayLength } as const;

/** PostgreSQL jsonb refuses U+0000 and unpaired surrogates; both become U+FFFD in a stored copy. */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g; // eslint-disable-line no-control-regex -- U+0000 is what jsonb refuses
const storable = (s: string): string => s.replace(UNSTORABLE, '\uFFFD');

type Container = Record<string, unknown> | unknown[];

/** Sets `key` as an own property even when it is `__proto__` (a JSON body may carry that key). */
function put(target: Container, key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * A copy of `value` fit for the audit trail (audit_logs.changes) and logs:
 * - every value under a secret-looking key (password, token, apiKey, …), at any depth, is `[REDACTED]`;
 * - containers deeper than {@link REDACTION_LIMITS}.maxDepth become `[truncated]`, arrays keep their
 *   first `maxArrayLength` items followed by `[truncated]`: nothing past the bound is stored, so no
 *   secret can hide below it;
 * - values serialise as JSON.stringify would (`toJSON`, so dates become ISO strings; bigints become
 *   strings), and strings and keys are made storable in jsonb (U+0000, lone surrogates → U+FFFD).
 * The walk is iterative (an explicit stack), so no input can overflow the call stack.
 */
export function redactSecrets(value: unknown, limits: { maxDepth: number; maxArrayLength: number } = REDACTION_LIMITS): unknown {
  const holder: unknown[] = [];
  const stack: { value: unknown; target: Container; key: string | number; depth: number }[] = [{ value, target: holder, key: 0, depth: 0 }];
  while (stack.length) {
    const { value: raw, target, key, depth } = stack.pop()!;
    const node = raw !== null && typeof raw === 'object' && typeof (raw as { toJSON?: unknown }).toJSON === 'function' ? (raw as { toJSON(): unknown }).toJSON() : raw;
    if (typeof node === 'string') {
      put(target, key, storable(node));
    } else if (typeof node === 'bigint') {
      put(target, key, node.toString());
    } else if (node === null || typeof node !== 'object') {
      put(target, key, node);
    } else if (depth >= limits.maxDepth) {
      put(target, key, TRUNCATED);
    } else if (Array.isArray(node)) {
      const kept = Math.min(node.length, limits.maxArrayLength);
      const out: unknown[] = new Array<unknown>(kept);
      put(target, key, out);
      for (let i = 0; i < kept; i += 1) stack.push({ value: node[i], target: out, key: i, depth: depth + 1 });
      if (node.length > kept) out.push(TRUNCATED);
    } else {
      const out: Record<string, unknown> = {};
      put(target, key, out);
      for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
        const name = storable(k);
        // Placed now so the copy keeps the source's key order; filled when its task is popped.
        // A boolean cannot carry a secret: flags such as `mustChangePassword` stay readable.
        const secret = SECRET_KEY.test(k) && typeof v !== 'boolean';
        put(out, name, secret ? REDACTED : undefined);
        if (!secret) stack.push({ value: v, target: out, key: name, depth: depth + 1 });
      }
    }
  }
  return holder[0];
}
