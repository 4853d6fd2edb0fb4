import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The committed contract as frontend teams and super admins meet it in Swagger UI (read from
 * openapi.json; no app needed): "Try it out" must open every list unfiltered, so no query
 * parameter carries an example; every operation says who may call it and what it changes, in a
 * description of its own; public routes need no token and others name theirs once.
 */
type Parameter = { name: string; in: string; example?: unknown; examples?: unknown; schema?: { example?: unknown; examples?: unknown } };
type Operation = {
  operationId?: string;
  description?: string;
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  responses: Record<string, { description?: string }>;
};
const spec = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, Operation & { tags?: string[] }>>;
  tags: { name: string }[];
  'x-tagGroups': { name: string; tags: string[] }[];
};
const operations = Object.entries(spec.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op })));

describe('openapi.json as Swagger UI shows it', () => {
  it('has operations to check', () => {
    expect(operations.length).toBeGreaterThan(10);
  });

  it('gives no query parameter an example (Swagger UI would send it as a filter)', () => {
    const withExample = operations.flatMap(({ path, method, op }) =>
      (op.parameters ?? [])
        .filter((p) => p.in === 'query' && (p.example !== undefined || p.examples !== undefined || p.schema?.example !== undefined || p.schema?.examples !== undefined))
        .map((p) => `${method.toUpperCase()} ${path} ?${p.name}`),
    );
    expect(withExample).toEqual([]);
  });

  it('describes every operation, each differently, with who may call it and what it changes', () => {
    const missing = operations.filter(({ op }) => !/Who may call: /.test(op.description ?? '') || !/Changes/.test(op.description ?? ''));
    expect(missing.map(({ method, path }) => `${method} ${path}`)).toEqual([]);
    const seen = new Map<string, string>();
    const duplicated = operations.flatMap(({ method, path, op }) => {
      const other = seen.get(op.description!);
      seen.set(op.description!, `${method} ${path}`);
      return other ? [`${method} ${path} = ${other}`] : [];
    });
    expect(duplicated).toEqual([]);
  });

  it('declares security on every operation: [] on the public ones, each requirement once elsewhere', () => {
    for (const { method, path, op } of operations) {
      expect({ route: `${method} ${path}`, declared: Array.isArray(op.security) }).toEqual({ route: `${method} ${path}`, declared: true });
      expect(new Set(op.security!.map((s) => JSON.stringify(s))).size).toBe(op.security!.length);
      if (/Who may call: anyone/.test(op.description ?? '')) expect(op.security).toEqual([]);
      else expect(op.security).toEqual([{ bearer: [] }]);
    }
    const open = operations.filter(({ op }) => op.security!.length === 0).map(({ method, path }) => `${method.toUpperCase()} ${path}`);
    expect(open).toEqual(expect.arrayContaining(['POST /api/v1/admin/auth/login', 'POST /api/v1/auth/login', 'POST /api/v1/auth/refresh', 'POST /api/v1/auth/password/reset', 'GET /health/live', 'GET /health/ready']));
  });

  it('describes every success response', () => {
    const bare = operations.flatMap(({ method, path, op }) => Object.entries(op.responses).filter(([status, r]) => /^[23]/.test(status) && !r.description).map(([status]) => `${method} ${path} ${status}`));
    expect(bare).toEqual([]);
  });

  it('puts every tag in one tag group, staff and tenant operations in different groups', () => {
    const groups = spec['x-tagGroups'];
    const groupOf = new Map(groups.flatMap((g) => g.tags.map((t) => [t, g.name] as const)));
    expect(groups.flatMap((g) => g.tags).sort()).toEqual(spec.tags.map((t) => t.name).sort());
    expect(groups.flatMap((g) => g.tags)).toEqual(spec.tags.map((t) => t.name));
    const sides = new Map<string, Set<string>>();
    for (const { path, op } of operations) {
      const side = path.startsWith('/api/v1/admin/') ? 'admin' : path.startsWith('/api/v1/tenant') ? 'tenant' : 'other';
      for (const tag of op.tags ?? []) sides.set(groupOf.get(tag)!, (sides.get(groupOf.get(tag)!) ?? new Set()).add(side));
    }
    expect([...sides.values()].filter((s) => s.has('admin') && s.has('tenant')).length).toBe(0);
    expect(groups.map((g) => g.name)).toEqual(['Authentication', 'Platform administration', 'Tenant self-service', 'Operations']);
  });
});
