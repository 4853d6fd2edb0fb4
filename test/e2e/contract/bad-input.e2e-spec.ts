import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditRowsFor, createTestApp, loginStaff, requestId, TestApp } from '../../support/app';
import { ensureCatalogModule, insertPlan, provisionTenant, serviceToken, signInToken } from '../../support/fixtures';
import { SERVICE_SCOPES } from '../../../src/common/auth';

/**
 * "Every bad input gets a clear 4xx; a 5xx is a bug": walks every operation of openapi.json and
 * sends schema-violating input derived from its own schemas (wrong types, out-of-range and huge
 * numbers, very long strings, nulls, junk path/query values), as staff and as a tenant admin.
 * Every answer must be < 500 and, when an error, problem+json. Then, for hostile shapes and values
 * (docs/adr/0011-request-shape-limits.md): every JSON body nested 5,000 levels or carrying an
 * array over 1,000 items is a 400 naming the field, with its failure audit row; every date-time
 * and date field (query or body) given an instant PostgreSQL cannot store is a 400 naming it.
 */
type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  $ref?: string;
  items?: Schema;
  enum?: unknown[];
  format?: string;
  maximum?: number;
  minimum?: number;
  example?: unknown;
  allOf?: Schema[];
};
type Operation = {
  operationId?: string;
  parameters?: { name: string; in: string; schema?: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
};

const spec = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};
const resolve = (s: Schema | undefined): Schema => (s?.$ref ? spec.components.schemas[s.$ref.split('/').pop()!] : (s ?? {}));
const typeOf = (s: Schema): string => (Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type) ?? (s.properties ? 'object' : 'string');

/** Bad values for a property of a given schema. */
function badValues(schema: Schema): unknown[] {
  const s = resolve(schema);
  switch (typeOf(s)) {
    case 'integer':
    case 'number':
      return ['12', -1, 1.5, 1e20, Number.MAX_SAFE_INTEGER, [], {}];
    case 'boolean':
      return ['yes', 2, {}];
    case 'array':
      return ['x', [{}], Array.from({ length: 500 }, () => 'x'.repeat(100))];
    case 'object':
      return ['x', [], { unknownField: 1 }];
    default:
      return [12, [], {}, '', 'x'.repeat(20_000), '\u0000', 'not-a-uuid'];
  }
}

let seq = 0;
/** A plausible valid value for a schema (examples first), so a mutation reaches the service code. */
function sample(schema: Schema): unknown {
  const s = resolve(schema);
  if (s.example !== undefined) return typeof s.example === 'string' && s.format === 'email' ? `fuzz${++seq}-${s.example}` : s.example;
  if (s.enum?.length) return s.enum[0];
  switch (typeOf(s)) {
    case 'integer':
    case 'number':
      return s.minimum ?? 1;
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'object':
      return Object.fromEntries(Object.entries(s.properties ?? {}).filter(([k]) => s.required?.includes(k)).map(([k, v]) => [k, sample(v)]));
    default:
      if (s.format === 'email') return `fuzz${++seq}@example.test`;
      if (s.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
      if (s.format === 'date-time') return new Date().toISOString();
      if (s.format === 'password') return 'a-long-enough-password-1';
      return `fuzz-${++seq}`;
  }
}

/**
 * Bodies to send: degenerate ones, then a plausible valid body with each property replaced, one
 * at a time, by bad values (so the other fields pass validation and the bad one is reached).
 */
function bodies(schema: Schema): unknown[] {
  const s = resolve(schema);
  const props = Object.entries(s.properties ?? {});
  const out: unknown[] = [{}, [], 'string', null];
  for (const [name, prop] of props) {
    for (const v of badValues(prop)) {
      const base = Object.fromEntries(props.map(([k, p]) => [k, sample(p)]));
      out.push({ ...base, [name]: v });
    }
  }
  out.push(Object.fromEntries(props.map(([name, prop]) => [name, badValues(prop)[0]])));
  return out;
}

describe('no bad input ends in a 5xx', () => {
  let t: TestApp;
  let staff: string;
  let tenantAdmin: string;
  let service: string;
  const failures: string[] = [];
  /** The token a route's prefix calls for: tenant, product-module service, or staff. */
  const tokenFor = (path: string) => (path.startsWith('/api/v1/tenant') ? tenantAdmin : path.startsWith('/api/v1/service') ? service : staff);

  beforeAll(async () => {
    t = await createTestApp();
    staff = (await loginStaff(t)).accessToken;
    // The tenant has the integrations module, so its routes get past the module gate to validation.
    await ensureCatalogModule(t, 'integrations');
    const tenant = await provisionTenant(t, (await insertPlan(t, { limits: { members: 50 }, features: { integrations: true } })).code);
    tenantAdmin = await signInToken(t, tenant.slug, tenant.admin.email, tenant.admin.password);
    service = await serviceToken(t, [...SERVICE_SCOPES]);
  });
  afterAll(() => t.close());

  async function send(method: string, path: string, token: string, body?: unknown): Promise<void> {
    const res = await fetch(t.baseUrl + path, {
      method: method.toUpperCase(),
      // A fresh Idempotency-Key: routes that require one get past that check to the body's.
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 500) failures.push(`${method.toUpperCase()} ${path.slice(0, 160)} ${JSON.stringify(body)?.slice(0, 120)} → ${res.status}`);
    // The OAuth 2.0 token endpoint answers the error body RFC 6749 §5.2 defines, as application/json.
    else if (res.status >= 400 && !path.startsWith('/api/v1/oauth/token') && !(res.headers.get('content-type') ?? '').startsWith('application/problem+json')) {
      failures.push(`${method.toUpperCase()} ${path.slice(0, 160)} → ${res.status} without problem+json: ${text.slice(0, 80)}`);
    }
  }

  it('answers every malformed request of every operation with < 500', async () => {
    for (const [rawPath, item] of Object.entries(spec.paths)) {
      const token = tokenFor(rawPath);
      for (const [method, op] of Object.entries(item)) {
        // A Server-Sent Events stream stays open by design: it has no input to get wrong.
        if ((op as { responses?: Record<string, { content?: Record<string, unknown> }> }).responses?.['200']?.content?.['text/event-stream']) continue;
        for (const junk of ['not-a-uuid', '00000000-0000-4000-8000-000000000000', 'x'.repeat(300)]) {
          const path = rawPath.replace(/\{[^}]+\}/g, encodeURIComponent(junk));
          await send(method, path, token, method === 'get' || method === 'delete' ? undefined : {});
          for (const q of op.parameters?.filter((p) => p.in === 'query') ?? []) {
            // Query strings stay within Node's 16 KB header limit (longer ones get Node's own 431).
            for (const v of badValues(q.schema ?? {}).filter((x) => typeof x !== 'object' && String(x).length < 4000)) {
              await send(method, `${path}?${q.name}=${encodeURIComponent(String(v))}`, token, method === 'get' || method === 'delete' ? undefined : {});
            }
          }
        }
        const schema = op.requestBody?.content['application/json']?.schema;
        if (schema) {
          const path = rawPath.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
          for (const body of bodies(schema)) await send(method, path, token, body);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);
});

/** JSON text of `{"a":{"a":…1…}}` nested `depth` levels (JSON.stringify itself cannot build it). */
const deepJson = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
/** An out-of-range value for a date-time or date field (year -100000 / year 0, both 500s before). */
const OUT_OF_RANGE: Record<string, string> = { 'date-time': '-100000-01-01T00:00:00.000Z', date: '0000-01-01' };
const MUTATING = new Set(['post', 'put', 'patch', 'delete']);

describe('hostile shapes and values get a 400 naming the field on every operation', () => {
  let t: TestApp;
  let staff: string;
  let tenantAdmin: string;
  let service: string;
  /** The token a route's prefix calls for: tenant, product-module service, or staff. */
  const tokenFor = (path: string) => (path.startsWith('/api/v1/tenant') ? tenantAdmin : path.startsWith('/api/v1/service') ? service : staff);

  beforeAll(async () => {
    t = await createTestApp();
    staff = (await loginStaff(t)).accessToken;
    // The tenant has the integrations module, so its routes get past the module gate to validation.
    await ensureCatalogModule(t, 'integrations');
    const tenant = await provisionTenant(t, (await insertPlan(t, { limits: { members: 50 }, features: { integrations: true } })).code);
    tenantAdmin = await signInToken(t, tenant.slug, tenant.admin.email, tenant.admin.password);
    service = await serviceToken(t, [...SERVICE_SCOPES]);
  });
  afterAll(() => t.close());

  const bodyOperations = Object.entries(spec.paths).flatMap(([rawPath, item]) =>
    Object.entries(item)
      .filter(([, op]) => op.requestBody?.content['application/json'])
      .map(([method, op]) => ({ method, op, path: rawPath.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000') })),
  );

  /**
   * Sends `json` (raw text) with the token the route's prefix calls for, and returns the status,
   * body and audit rows. A tenant route gets the tenant admin; others staff (the shape check runs
   * after authentication, so each route is reached as a principal it accepts).
   */
  async function send(method: string, path: string, json: string | undefined) {
    const id = requestId('shape');
    const res = await fetch(t.baseUrl + path, {
      method: method.toUpperCase(),
      headers: { authorization: `Bearer ${tokenFor(path)}`, 'content-type': 'application/json', 'x-request-id': id, 'idempotency-key': randomUUID() },
      body: json,
    });
    const body = (await res.json().catch(() => null)) as { code?: string; errors?: { field: string }[] } | null;
    return { status: res.status, type: res.headers.get('content-type') ?? '', body, rows: MUTATING.has(method) ? await auditRowsFor(t, id) : [] };
  }

  it('a 5,000-level body or a 1,001-item array in any property → 400 request_too_deep / array_too_long naming it, audited', async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const { method, op, path } of bodyOperations) {
      const schema = resolve(op.requestBody!.content['application/json'].schema);
      const props = Object.entries(schema.properties ?? {});
      const base = Object.fromEntries(props.map(([k, p]) => [k, sample(p)]));
      const cases: { json: string; code: string; field: RegExp }[] = [
        { json: deepJson(5_000), code: 'request_too_deep', field: /^a(\.a){31}$/ },
        { json: JSON.stringify(Array(1_001).fill({})), code: 'array_too_long', field: /^body$/ },
      ];
      for (const [name] of props) {
        const others = JSON.stringify({ ...base, [name]: undefined }).slice(1, -1);
        cases.push({ json: `{${others}${others ? ',' : ''}${JSON.stringify(name)}:${deepJson(5_000)}}`, code: 'request_too_deep', field: new RegExp(`^${name}(\\.a){31}$`) });
        cases.push({ json: JSON.stringify({ ...base, [name]: Array(1_001).fill('x') }), code: 'array_too_long', field: new RegExp(`^${name}$`) });
      }
      for (const c of cases) {
        checked += 1;
        const r = await send(method, path, c.json);
        const where = `${method.toUpperCase()} ${path} ${c.code} ${c.field.source}`;
        if (r.status !== 400 || !r.type.startsWith('application/problem+json') || r.body?.code !== c.code) failures.push(`${where} → ${r.status} ${r.body?.code}`);
        else if (!c.field.test(r.body.errors?.[0]?.field ?? '')) failures.push(`${where} → field ${r.body.errors?.[0]?.field}`);
        else if (MUTATING.has(method) && !(r.rows.length === 1 && r.rows[0].errorCode === c.code && r.rows[0].outcome === 'failure' && r.rows[0].statusCode === 400)) {
          failures.push(`${where} → audit rows ${JSON.stringify(r.rows.map((row) => [row.action, row.errorCode]))}`);
        }
      }
    }
    expect(bodyOperations.length).toBeGreaterThan(10);
    expect(checked).toBeGreaterThan(50);
    expect(failures).toEqual([]);
  }, 300_000);

  it('an out-of-range date in any date-time or date field (query or body) → 400 naming the field', async () => {
    const failures: string[] = [];
    const fields: string[] = [];
    for (const [rawPath, item] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const path = rawPath.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
        const body = op.requestBody?.content['application/json']?.schema;
        const props = Object.entries(resolve(body).properties ?? {});
        const base = body ? Object.fromEntries(props.map(([k, p]) => [k, sample(p)])) : undefined;
        const attempts: { field: string; url: string; json?: string }[] = [];
        for (const q of op.parameters?.filter((p) => p.in === 'query') ?? []) {
          const bad = OUT_OF_RANGE[resolve(q.schema).format ?? ''];
          if (bad) attempts.push({ field: q.name, url: `${path}?${q.name}=${encodeURIComponent(bad)}`, json: base && JSON.stringify(base) });
        }
        for (const [name, prop] of props) {
          const bad = OUT_OF_RANGE[resolve(prop).format ?? ''];
          if (bad) attempts.push({ field: name, url: path, json: JSON.stringify({ ...base, [name]: bad }) });
        }
        for (const a of attempts) {
          fields.push(`${method} ${rawPath} ${a.field}`);
          const r = await send(method, a.url, a.json);
          if (r.status !== 400 || r.body?.code !== 'validation_failed' || !r.body.errors?.some((e) => e.field === a.field)) {
            failures.push(`${method.toUpperCase()} ${a.url} ${a.json ?? ''} → ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
          }
        }
      }
    }
    // Both audit lists (from, to), the quota dates and the usage history days at least.
    expect(fields.length).toBeGreaterThanOrEqual(8);
    expect(failures).toEqual([]);
  }, 120_000);
});

