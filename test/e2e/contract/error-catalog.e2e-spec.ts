import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorCatalog, errorEntry, PROBLEM_SCHEMAS } from '../../../src/common/errors';
import { createTestApp, expectProblem, loginStaff, rawFetch, TestApp } from '../../support/app';
import { insertPlan, provisionSignedInTenant, provisionTenantViaApi, tenantBody } from '../../support/fixtures';

/**
 * One error-code catalog (docs/adr/0014-error-code-catalog.md): every problem `type` resolves to
 * the page of its code at GET /api/v1/problems/{code}, GET /api/v1/problems lists the catalog,
 * every error response of every operation in openapi.json shows an example per code whose code
 * is catalogued with that status, and one meaning answers one code on every route.
 */
type Example = { summary?: string; value: Record<string, unknown> };
type Media = { schema?: { $ref?: string; anyOf?: { $ref: string }[] }; examples?: Record<string, Example> };
type Operation = { operationId?: string; security?: unknown[]; responses: Record<string, { content?: Record<string, Media> }> };
const spec = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
};
const operations = Object.entries(spec.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op })));

describe('error-code catalog', () => {
  let t: TestApp;
  let owner: string;

  beforeAll(async () => {
    t = await createTestApp();
    owner = (await loginStaff(t)).accessToken;
  });
  afterAll(() => t.close());

  const getJson = async (path: string, init: RequestInit = {}) => {
    const res = await rawFetch(t, path, init);
    return { res, body: (await res.json()) as Record<string, unknown> };
  };

  it('every context that declares codes has them registered when the app runs', () => {
    const modules = join(__dirname, '..', '..', '..', 'src', 'modules');
    const fragments = readdirSync(modules).filter((ctx) => readdirSync(join(modules, ctx)).includes('errors.ts'));
    expect(new Set(errorCatalog().map((e) => e.owner))).toEqual(new Set(['common', ...fragments]));
  });

  describe('GET /api/v1/problems', () => {
    it('lists every catalogued code with its status, title, description, schema and type, without a token', async () => {
      const listed: Record<string, unknown>[] = [];
      for (let offset = 0; ; offset += 100) {
        const { res, body } = await getJson(`/api/v1/problems?limit=100&offset=${offset}`);
        expect(res.status).toBe(200);
        listed.push(...(body.data as Record<string, unknown>[]));
        expect(body.meta).toEqual({ total: errorCatalog().length, limit: 100, offset });
        if (listed.length >= (body.meta as { total: number }).total) break;
      }
      expect(listed.map((p) => p.code)).toEqual(errorCatalog().map((e) => e.code));
      for (const p of listed) {
        const entry = errorEntry(p.code as string)!;
        expect(p).toEqual({
          code: entry.code,
          type: `/api/v1/problems/${entry.code}`,
          status: entry.status,
          title: entry.title,
          description: entry.description,
          schema: PROBLEM_SCHEMAS[entry.family].name,
          exampleProblem: expect.objectContaining({ code: entry.code, status: entry.status, title: entry.title }),
        });
      }
    });

    it('pages with limit and offset; a bad limit is a 400', async () => {
      const { body } = await getJson('/api/v1/problems?limit=2&offset=1');
      expect((body.data as { code: string }[]).map((p) => p.code)).toEqual(errorCatalog().slice(1, 3).map((e) => e.code));
      await expectProblem(await rawFetch(t, '/api/v1/problems?limit=0'), 400, 'validation_failed');
    });
  });

  describe('GET /api/v1/problems/{code}', () => {
    it('describes a code as JSON by default, from the catalog', async () => {
      const { res, body } = await getJson('/api/v1/problems/quota_exceeded');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.headers.get('vary')).toMatch(/Accept/i);
      expect(body).toMatchObject({ code: 'quota_exceeded', status: 402, title: 'Quota exceeded', schema: 'QuotaProblemDto', type: '/api/v1/problems/quota_exceeded' });
      expect(body.exampleProblem).toMatchObject({ metric: expect.any(String), limit: expect.any(Number), used: expect.any(Number) });
    });

    it('serves an HTML page to a client that prefers text/html (a browser), with the description escaped', async () => {
      const res = await rawFetch(t, '/api/v1/problems/tenant_slug_taken', { headers: { Accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await res.text();
      expect(html).toContain('<h1>Slug already taken</h1>');
      expect(html).toContain('<code>tenant_slug_taken</code>');
      expect(html).toContain('HTTP status 409');
      expect(html).toContain('ConflictProblemDto');
      expect(html).not.toMatch(/<script/i);
      const json = await rawFetch(t, '/api/v1/problems/tenant_slug_taken', { headers: { Accept: 'application/json' } });
      expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    });

    it('an unknown code is a 404 problem_type_not_found, whose own type resolves', async () => {
      const problem = await expectProblem(await rawFetch(t, '/api/v1/problems/quota_exceded'), 404, 'problem_type_not_found');
      expect(problem.detail).toContain('quota_exceded');
      const { res, body } = await getJson(problem.type);
      expect(res.status).toBe(200);
      expect(body).toMatchObject({ code: 'problem_type_not_found', status: 404 });
      await expectProblem(await rawFetch(t, `/api/v1/problems/${'x'.repeat(300)}`), 404, 'problem_type_not_found');
    });
  });

  describe('a real error’s type resolves to the page of its code', () => {
    it.each([
      ['404 tenant_not_found', (token: string) => rawFetch(t, `/api/v1/admin/tenants/${randomUUID()}`, { token }), 404, 'tenant_not_found'],
      ['401 unauthorized', () => rawFetch(t, '/api/v1/admin/tenants'), 401, 'unauthorized'],
      ['400 validation_failed', (token: string) => rawFetch(t, '/api/v1/admin/staff', { method: 'POST', token, json: { email: 'nope' } }), 400, 'validation_failed'],
      ['404 route_not_found', (token: string) => rawFetch(t, '/api/v1/no-such-route', { token }), 404, 'route_not_found'],
      ['400 malformed_json', (token: string) => rawFetch(t, '/api/v1/admin/staff', { method: 'POST', token, headers: { 'Content-Type': 'application/json' }, body: '{"a":' }), 400, 'malformed_json'],
    ] as const)('%s', async (_name, call, status, code) => {
      const problem = await expectProblem(await call(owner), status, code);
      // RFC 9457 §3.1.1: a relative reference resolves against the request URI.
      const page = await fetch(new URL(problem.type, `${t.baseUrl}/api/v1/admin/tenants/x`));
      expect(page.status).toBe(200);
      const body = (await page.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ code, status, title: problem.title, type: problem.type });
    });
  });

  describe('one meaning, one code', () => {
    it('an unknown tenant is 404 tenant_not_found on every route that takes a tenant id', async () => {
      const id = randomUUID();
      const paths = [
        `/api/v1/admin/tenants/${id}`,
        `/api/v1/admin/tenants/${id}/usage`,
        `/api/v1/admin/tenants/${id}/usage/history`,
        `/api/v1/admin/tenants/${id}/quota`,
        `/api/v1/admin/tenants/${id}/notes`,
      ];
      for (const path of paths) await expectProblem(await rawFetch(t, path, { token: owner }), 404, 'tenant_not_found');
      await expectProblem(await rawFetch(t, `/api/v1/admin/tenants/${id}/usage/recalculate`, { method: 'POST', token: owner }), 404, 'tenant_not_found');
      await expectProblem(
        await rawFetch(t, '/api/v1/admin/impersonations', { method: 'POST', token: owner, json: { tenantId: id, reason: 'Ticket 4821: customer asked for help' } }),
        404,
        'tenant_not_found',
      );
    });

    it('a tenant without an active admin is 409 no_active_admin on the admin password reset and on impersonation', async () => {
      const tenant = await provisionSignedInTenant(t);
      await t.db.query(`UPDATE tenant_users SET is_active = false WHERE tenant_id = $1`, [tenant.id]);
      await expectProblem(await rawFetch(t, `/api/v1/admin/tenants/${tenant.id}/admin-password-reset`, { method: 'POST', token: owner }), 409, 'no_active_admin');
      await expectProblem(
        await rawFetch(t, '/api/v1/admin/impersonations', { method: 'POST', token: owner, json: { tenantId: tenant.id, reason: 'Ticket 4821: customer asked for help' } }),
        409,
        'no_active_admin',
      );
    });

    it('a taken value is a 409 *_taken naming its field', async () => {
      const plan = await insertPlan(t);
      const first = await provisionTenantViaApi(t, owner, plan.code);
      const tenant = await expectProblem(await rawFetch(t, '/api/v1/admin/tenants', { method: 'POST', token: owner, json: tenantBody(plan.code, { slug: first.slug }) }), 409, 'tenant_slug_taken');
      expect(tenant.field).toBe('slug');
      expect(tenant).not.toHaveProperty('errors');
      const staff = await expectProblem(
        await rawFetch(t, '/api/v1/admin/staff', { method: 'POST', token: owner, json: { email: 'owner@example.com', fullName: 'Owner Again', role: 'support', password: 'a-long-enough-password' } }),
        409,
        'staff_email_taken',
      );
      expect(staff.field).toBe('email');
    });
  });

  describe('openapi.json', () => {
    // The OAuth 2.0 token endpoint's errors are the RFC 6749 §5.2 body, not problems (checked in test/e2e/service).
    const errorResponses = operations.filter(({ path }) => path !== '/api/v1/oauth/token').flatMap(({ path, method, op }) =>
      Object.entries(op.responses)
        .filter(([status]) => Number(status) >= 400)
        .map(([status, response]) => ({ where: `${method.toUpperCase()} ${path} ${status}`, status: Number(status), media: response.content?.['application/problem+json'] })),
    );

    it('documents errors on every operation', () => {
      expect(errorResponses.length).toBeGreaterThan(operations.length);
    });

    it('every 4xx/5xx response of every operation shows an example per code, catalogued with that status, in its family’s schema', () => {
      const failures: string[] = [];
      for (const { where, status, media } of errorResponses) {
        const examples = Object.entries(media?.examples ?? {});
        if (!examples.length) failures.push(`${where}: no example`);
        const refs = media?.schema?.$ref ? [media.schema.$ref] : (media?.schema?.anyOf ?? []).map((s) => s.$ref);
        for (const [name, { value }] of examples) {
          const entry = errorEntry(String(value.code));
          if (!entry) {
            failures.push(`${where}: example ${name} has code ${String(value.code)}, which is not in the catalog`);
            continue;
          }
          if (entry.status !== status || value.status !== status) failures.push(`${where}: example ${name} (${entry.code}) is a ${entry.status} in the catalog`);
          if (value.type !== `/api/v1/problems/${entry.code}` || value.title !== entry.title) failures.push(`${where}: example ${name} has type ${String(value.type)}, title ${String(value.title)}`);
          const schema = PROBLEM_SCHEMAS[entry.family].name;
          if (!refs.includes(`#/components/schemas/${schema}`)) failures.push(`${where}: ${entry.code} is a ${schema}, the response schema is ${refs.join(' | ')}`);
          const required = spec.components.schemas[schema].required ?? [];
          for (const member of required) if (!(member in value)) failures.push(`${where}: example ${name} lacks ${member} of ${schema}`);
        }
      }
      expect(failures).toEqual([]);
    });

    it('401 on sign-in is wrong credentials, 402 a quota with metric/limit/used, 409 a conflict, 400 a validation error', () => {
      const example = (path: string, method: string, status: number, code: string) => spec.paths[path][method].responses[String(status)].content!['application/problem+json'].examples![code].value;
      expect(example('/api/v1/auth/login', 'post', 401, 'invalid_credentials')).toMatchObject({ code: 'invalid_credentials', title: 'Wrong email or password' });
      expect(example('/api/v1/tenant/users', 'post', 402, 'quota_exceeded')).toMatchObject({ metric: 'members', limit: 5, used: 5 });
      expect(example('/api/v1/admin/tenants', 'post', 409, 'tenant_slug_taken')).toMatchObject({ field: 'slug' });
      expect(example('/api/v1/admin/staff', 'post', 400, 'validation_failed')).toMatchObject({ errors: [{ field: 'email', message: expect.any(String) }] });
      expect(spec.components.schemas.QuotaProblemDto.required).toEqual(expect.arrayContaining(['metric', 'limit', 'used']));
      expect(spec.components.schemas.ValidationProblemDto.required).toEqual(expect.arrayContaining(['errors']));
    });

    it('the problem pages are public', () => {
      expect(spec.paths['/api/v1/problems'].get.security).toEqual([]);
      expect(spec.paths['/api/v1/problems/{code}'].get.security).toEqual([]);
    });
  });
});
