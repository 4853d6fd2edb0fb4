import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestApp, loginStaff, TestApp } from '../../support/app';
import { insertPlan, provisionTenant, signInToken } from '../../support/fixtures';

/**
 * "Every bad input gets a clear 4xx; a 5xx is a bug": walks every operation of openapi.json and
 * sends schema-violating input derived from its own schemas (wrong types, out-of-range and huge
 * numbers, very long strings, nulls, junk path/query values), as staff and as a tenant admin.
 * Every answer must be < 500 and, when an error, problem+json.
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
type Operation = { parameters?: { name: string; in: string; schema?: Schema }[]; requestBody?: { content: Record<string, { schema: Schema }> } };

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
  const failures: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    staff = (await loginStaff(t)).accessToken;
    const tenant = await provisionTenant(t, (await insertPlan(t, { limits: { members: 50 } })).code);
    tenantAdmin = await signInToken(t, tenant.slug, tenant.admin.email, tenant.admin.password);
  });
  afterAll(() => t.close());

  async function send(method: string, path: string, token: string, body?: unknown): Promise<void> {
    const res = await fetch(t.baseUrl + path, {
      method: method.toUpperCase(),
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 500) failures.push(`${method.toUpperCase()} ${path.slice(0, 160)} ${JSON.stringify(body)?.slice(0, 120)} → ${res.status}`);
    else if (res.status >= 400 && !(res.headers.get('content-type') ?? '').startsWith('application/problem+json')) {
      failures.push(`${method.toUpperCase()} ${path.slice(0, 160)} → ${res.status} without problem+json: ${text.slice(0, 80)}`);
    }
  }

  it('answers every malformed request of every operation with < 500', async () => {
    for (const [rawPath, item] of Object.entries(spec.paths)) {
      const token = rawPath.startsWith('/api/v1/tenant') ? tenantAdmin : staff;
      for (const [method, op] of Object.entries(item)) {
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
