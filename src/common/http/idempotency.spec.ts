import { canonicalJson } from './idempotency.interceptor';

describe('canonicalJson', () => {
  it('ignores key order at every depth and whitespace', () => {
    const a = { b: 1, a: { d: [1, { y: 2, x: 1 }], c: 'x' } };
    const b = JSON.parse('{ "a": { "c": "x", "d": [1, { "x": 1, "y": 2 }] }, "b": 1 }');
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe('{"a":{"c":"x","d":[1,{"x":1,"y":2}]},"b":1}');
  });

  it('keeps array order and distinguishes values and types', () => {
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: '1' }));
    expect(canonicalJson({ a: null })).not.toBe(canonicalJson({}));
  });

  it('drops undefined members like JSON does, and serialises dates as ISO strings', () => {
    expect(canonicalJson({ a: undefined, b: 2 })).toBe('{"b":2}');
    expect(canonicalJson({ at: new Date('2026-01-02T03:04:05.000Z') })).toBe('{"at":"2026-01-02T03:04:05.000Z"}');
    expect(canonicalJson(null)).toBe('null');
  });

  it('fingerprints a body nested 200,000 levels without overflowing the stack (it runs before the shape limits)', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i += 1) deep = { b: [deep], a: undefined };
    const text = canonicalJson(deep);
    expect(text.startsWith('{"b":[{"b":[')).toBe(true);
    expect(text.length).toBe(200_000 * '{"b":[]}'.length + 1);
  });

  it('matches JSON.stringify on sorted, defined input', () => {
    const value = { a: [1, 'x', null, { b: true, c: [[], {}] }], d: 'é"\\\u2028', e: -0.5 };
    expect(canonicalJson(value)).toBe(JSON.stringify(value));
    expect(canonicalJson([undefined, () => 1])).toBe('[null,null]');
  });
});

