import { REDACTED, REDACTION_LIMITS, redactSecrets, TRUNCATED } from './redact';

/** `{ a: { a: … leaf } }`, `depth` objects deep, built without recursion. */
function nested(depth: number, leaf: unknown): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i += 1) v = { a: v };
  return v;
}

describe('redactSecrets', () => {
  it('keeps boolean flags whose names look secret (mustChangePassword) and redacts their non-boolean namesakes', () => {
    expect(redactSecrets({ mustChangePassword: true, passwordSet: false, password: 'hunter2-hunter2', token: 0 })).toEqual({
      mustChangePassword: true,
      passwordSet: false,
      password: REDACTED,
      token: REDACTED,
    });
  });

  it('redacts secret-looking keys at any depth and keeps the rest', () => {
    const input = { email: 'a@b.c', password: 'x', admin: { newPassword: 'y', refreshToken: 'z', name: 'n' }, list: [{ apiKey: 'k' }] };
    expect(redactSecrets(input)).toEqual({
      email: 'a@b.c',
      password: REDACTED,
      admin: { newPassword: REDACTED, refreshToken: REDACTED, name: 'n' },
      list: [{ apiKey: REDACTED }],
    });
    expect(input.password).toBe('x');
  });

  it('redacts a secret nested 10, 20 and 60 levels deep (it used to be stored raw past depth 8)', () => {
    for (const depth of [10, 20, 60]) {
      const stored = JSON.stringify(redactSecrets({ settings: nested(depth, { password: 'hunter2', note: 'kept' }) }));
      expect(stored).not.toContain('hunter2');
      expect(stored).toContain(REDACTED);
      expect(stored).toContain('kept');
    }
  });

  it('keeps everything within the bound and replaces what is deeper by [truncated], so no secret hides below it', () => {
    const within = nested(REDACTION_LIMITS.maxDepth - 1, 'leaf');
    expect(redactSecrets(within)).toEqual(within);
    const deep = redactSecrets(nested(5_000, { password: 'hunter2' }));
    const stored = JSON.stringify(deep);
    expect(stored).not.toContain('hunter2');
    expect(stored).toContain(`"${TRUNCATED}"`);
    expect(stored.split('"a"').length - 1).toBe(REDACTION_LIMITS.maxDepth);
  });

  it('walks without recursion: a 500,000-level body (1 MB of brackets) neither throws nor is kept', () => {
    const body = JSON.parse('['.repeat(500_000) + ']'.repeat(500_000)) as unknown;
    expect(() => JSON.stringify(redactSecrets(body))).not.toThrow();
  });

  it('keeps the first items of an over-long array, then [truncated]', () => {
    const out = redactSecrets({ ids: Array.from({ length: 5_000 }, (_, i) => i) }) as { ids: unknown[] };
    expect(out.ids).toHaveLength(REDACTION_LIMITS.maxArrayLength + 1);
    expect(out.ids[0]).toBe(0);
    expect(out.ids.at(-1)).toBe(TRUNCATED);
    const fits = Array.from({ length: REDACTION_LIMITS.maxArrayLength }, (_, i) => i);
    expect(redactSecrets(fits)).toEqual(fits);
  });

  it('serialises like JSON (dates as ISO strings) and makes strings and keys storable in jsonb', () => {
    expect(redactSecrets({ at: new Date('2026-01-02T03:04:05.000Z') })).toEqual({ at: '2026-01-02T03:04:05.000Z' });
    expect(redactSecrets({ 'k\u0000': 'a\u0000b', lone: 'x\ud800y', pair: '😀' })).toEqual({ 'k\uFFFD': 'a\uFFFDb', lone: 'x\uFFFDy', pair: '😀' });
    expect(redactSecrets({ n: 10n })).toEqual({ n: '10' });
  });

  it('keeps key order, copies a "__proto__" key as data, and terminates on cycles', () => {
    const body = JSON.parse('{"b":1,"__proto__":{"polluted":true},"a":2}') as Record<string, unknown>;
    const out = redactSecrets(body) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['b', '__proto__', 'a']);
    expect(JSON.stringify(out)).toBe('{"b":1,"__proto__":{"polluted":true},"a":2}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    expect(JSON.stringify(redactSecrets(cyclic))).toContain(TRUNCATED);
  });

  it('leaves scalars alone', () => {
    expect(redactSecrets(null)).toBeNull();
    expect(redactSecrets(42)).toBe(42);
    expect(redactSecrets(undefined)).toBeUndefined();
  });
});
