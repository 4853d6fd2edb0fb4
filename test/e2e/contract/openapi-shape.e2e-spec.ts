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
      // A route open to partners takes a bearer token or a partner API key (either one).
      else if ((op as { 'x-partner-scope'?: string })['x-partner-scope']) expect(op.security).toEqual(expect.arrayContaining([{ bearer: [] }, { apiKey: [] }]));
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
    expect(groups.map((g) => g.name)).toEqual(['Authentication', 'Platform administration', 'Tenant self-service', 'Product-module API', 'Operations']);
  });

  const problemExamples = (op: Operation, status: string): Record<string, { value: { detail: string; errors?: { field: string }[] } }> =>
    ((op.responses[status] as { content?: Record<string, { examples?: Record<string, { value: { detail: string } }> }> } | undefined)?.content?.['application/problem+json']?.examples ?? {}) as never;

  it('shows a 403 `forbidden` example that the route’s own policy would answer', () => {
    const detail = (path: string, method: string) => problemExamples(spec.paths[path][method], '403').forbidden?.value.detail;
    // Any staff member may read the audit log: only a tenant token is refused.
    expect(detail('/api/v1/admin/audit-logs', 'get')).toBe('This route is for platform staff only.');
    // Owners only: another staff role is refused.
    expect(detail('/api/v1/admin/staff', 'post')).toMatch(/^Your role \((admin|support)\) may not perform this action\.$/);
    // Tenant admins only: another tenant role is refused, never a staff role.
    expect(detail('/api/v1/tenant/users', 'post')).toMatch(/^Your role \((manager|member|viewer)\) may not perform this action\.$/);
    for (const { path, op } of operations.filter((o) => o.path.startsWith('/api/v1/tenant'))) {
      const forbidden = problemExamples(op, '403').forbidden?.value.detail;
      if (forbidden) expect({ path, forbidden }).not.toEqual({ path, forbidden: expect.stringMatching(/\((owner|admin|support)\)/) });
    }
  });

  it('shows `impersonation_forbidden` on every operation denied during impersonation', () => {
    const denied = operations.filter(({ op }) => (op as { 'x-impersonation'?: string })['x-impersonation'] === 'denied');
    expect(denied.length).toBeGreaterThan(1);
    for (const { path, method, op } of denied) expect({ path, method, codes: Object.keys(problemExamples(op, '403')) }).toEqual({ path, method, codes: expect.arrayContaining(['impersonation_forbidden']) });
  });

  it('names in each 400 example a field the operation takes', () => {
    for (const { path, method, op } of operations) {
      const example = problemExamples(op, '400').validation_failed;
      if (!example) continue;
      const body = (op as { requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> } }).requestBody?.content?.['application/json']?.schema?.$ref?.split('/').pop();
      const bodyFields = Object.keys((body && (spec as unknown as { components: { schemas: Record<string, { properties?: object }> } }).components.schemas[body]?.properties) ?? {});
      const formFields = Object.keys((op as { requestBody?: { content?: Record<string, { schema?: { properties?: object } }> } }).requestBody?.content?.['multipart/form-data']?.schema?.properties ?? {});
      const fields = [...bodyFields, ...formFields, ...(op.parameters ?? []).map((p) => p.name)];
      expect({ path, method, field: example.value.errors?.[0]?.field, known: fields.includes(example.value.errors?.[0]?.field ?? '') }).toMatchObject({ known: true });
    }
  });

  it('describes every `…Id` path parameter as a UUID and says where to find it', () => {
    for (const { path, op } of operations) {
      for (const param of (op.parameters ?? []).filter((p) => p.in === 'path' && p.name.endsWith('Id'))) {
        const described = param as Parameter & { description?: string; schema?: { format?: string } };
        expect({ path, name: param.name, format: described.schema?.format, hasDescription: Boolean(described.description) }).toEqual({ path, name: param.name, format: 'uuid', hasDescription: true });
      }
    }
  });
});
