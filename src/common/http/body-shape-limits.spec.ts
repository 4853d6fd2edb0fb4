import { findShapeViolation, REQUEST_SHAPE_LIMITS } from './body-shape-limits';

/** `{ a: { a: … leaf } }` with `depth` objects, built without recursion. */
function nested(depth: number, leaf: unknown = 1): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i += 1) v = { a: v };
  return v;
}

describe('findShapeViolation', () => {
  const { maxDepth, maxArrayLength } = REQUEST_SHAPE_LIMITS;

  it('accepts a body nested exactly maxDepth levels and rejects one level more, naming the path', () => {
    expect(findShapeViolation(nested(maxDepth))).toBeNull();
    const v = findShapeViolation(nested(maxDepth + 1));
    expect(v).toEqual({ code: 'request_too_deep', field: Array(maxDepth).fill('a').join('.'), message: expect.stringContaining(`deeper than ${maxDepth} levels`) });
  });

  it('measures a 500,000-level body (1 MB of brackets) without recursion', () => {
    const body = JSON.parse('['.repeat(500_000) + ']'.repeat(500_000)) as unknown;
    expect(findShapeViolation(body)).toMatchObject({ code: 'request_too_deep', field: Array(maxDepth).fill('0').join('.') });
  });

  it('rejects an array over maxArrayLength items and accepts one of exactly that many', () => {
    expect(findShapeViolation({ ids: Array(maxArrayLength).fill('x') })).toBeNull();
    expect(findShapeViolation({ filter: { ids: Array(maxArrayLength + 1).fill('x') } })).toEqual({
      code: 'array_too_long',
      field: 'filter.ids',
      message: `filter.ids has ${maxArrayLength + 1} items; at most ${maxArrayLength} are allowed`,
    });
    expect(findShapeViolation(Array(maxArrayLength + 1).fill(1))).toMatchObject({ code: 'array_too_long', field: 'body' });
  });

  it('finds U+0000 at any depth, in values and in keys', () => {
    expect(findShapeViolation({ name: 'a\u0000' })).toMatchObject({ code: 'nul_character', field: 'name' });
    expect(findShapeViolation(nested(20, ['ok', 'b\u0000']))).toMatchObject({ code: 'nul_character', field: `${Array(20).fill('a').join('.')}.1` });
    expect(findShapeViolation({ ['k\u0000']: 1 })).toMatchObject({ code: 'nul_character', field: 'k\u0000' });
  });

  it('reports the first violation in document order', () => {
    expect(findShapeViolation({ first: Array(maxArrayLength + 1).fill(0), second: 'x\u0000' })).toMatchObject({ field: 'first' });
    expect(findShapeViolation({ first: 'x\u0000', second: Array(maxArrayLength + 1).fill(0) })).toMatchObject({ field: 'first' });
  });

  it('starts paths at a named argument and names the root otherwise', () => {
    expect(findShapeViolation('a\u0000', { path: 'tenantId', root: 'param' })).toMatchObject({ field: 'tenantId' });
    expect(findShapeViolation({ from: ['x\u0000'] }, { root: 'query' })).toMatchObject({ field: 'from.0' });
    expect(findShapeViolation('a\u0000', { root: 'query' })).toMatchObject({ field: 'query' });
  });

  it('elides a very long path in the reported field', () => {
    const key = 'k'.repeat(10_000);
    const v = findShapeViolation({ [key]: nested(maxDepth) });
    expect(v?.field.length).toBeLessThanOrEqual(201);
    expect(v?.field.endsWith('…')).toBe(true);
  });

  it('accepts ordinary bodies and scalars', () => {
    for (const ok of [null, 1, 'x', true, {}, [], { a: [1, { b: 'c' }], d: null }]) expect(findShapeViolation(ok)).toBeNull();
  });
});
