import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { defineErrors, errorCatalog, FAMILY_REQUIRED_MEMBERS, PROBLEM_FAMILIES } from './error-catalog';
import './common-errors';

/** Every context's catalog fragment, loaded the way the app loads them. */
const MODULES = join(__dirname, '..', '..', 'modules');
const FRAGMENTS = readdirSync(MODULES).filter((ctx) => readdirSync(join(MODULES, ctx)).includes('errors.ts'));
// eslint-disable-next-line @typescript-eslint/no-require-imports -- every fragment found on disk, so a new context's cannot be left out
for (const ctx of FRAGMENTS) require(join(MODULES, ctx, 'errors.ts'));

/** Statuses RFC 9110 §15 defines for client and server errors (plus 429, RFC 6585). */
const HTTP_ERROR_STATUSES = new Set([400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 421, 422, 426, 428, 429, 431, 500, 501, 502, 503, 504, 505]);

describe('error catalog', () => {
  const catalog = errorCatalog();

  it('holds the common codes and every context fragment', () => {
    expect(FRAGMENTS.length).toBeGreaterThanOrEqual(5);
    expect(new Set(catalog.map((e) => e.owner))).toEqual(new Set(['common', ...FRAGMENTS]));
    // The problem filter's fixed codes are catalogued like any other.
    for (const code of ['malformed_json', 'route_not_found', 'validation_failed', 'request_too_deep', 'array_too_long', 'database_busy', 'dependency_unavailable', 'rate_limited', 'internal_error', 'payload_too_large']) {
      expect(catalog.map((e) => e.code)).toContain(code);
    }
  });

  it.each(catalog.map((e) => [e.code, e] as const))('%s: a valid status, a title, a description, a family and a complete example', (code, entry) => {
    expect(code).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
    expect(HTTP_ERROR_STATUSES.has(entry.status)).toBe(true);
    expect(entry.title.trim().length).toBeGreaterThan(0);
    expect(entry.title.length).toBeLessThanOrEqual(60);
    expect(entry.description.trim().length).toBeGreaterThan(entry.title.length);
    expect(PROBLEM_FAMILIES).toContain(entry.family);
    expect(entry.example.detail.trim().length).toBeGreaterThan(0);
    for (const member of FAMILY_REQUIRED_MEMBERS[entry.family]) expect(entry.example).toHaveProperty(member);
    // Extension members never shadow the RFC 9457 ones (§3.2).
    for (const member of ['type', 'title', 'status', 'code', 'requestId']) expect(entry.example).not.toHaveProperty(member);
    if (entry.family === 'validation') {
      expect(entry.status).toBe(400);
      expect(entry.example.errors).toEqual(expect.arrayContaining([{ field: expect.any(String), message: expect.any(String) }]));
    }
    if (entry.family === 'quota') expect(entry.status).toBe(402);
    if (entry.family === 'conflict') expect(entry.status).toBe(409);
  });

  it('a taken value is always a 409 `*_taken` naming its `field`', () => {
    const taken = catalog.filter((e) => e.code.endsWith('_taken'));
    expect(taken.length).toBeGreaterThanOrEqual(4);
    for (const e of taken) expect(e).toMatchObject({ status: 409, family: 'conflict', example: { field: expect.any(String) } });
  });

  it('at most one default code per status, and each is of that status', () => {
    const defaults = catalog.filter((e) => e.defaultForStatus);
    expect(new Set(defaults.map((e) => e.status)).size).toBe(defaults.length);
    expect(defaults.map((e) => e.code)).toEqual(expect.arrayContaining(['validation_failed', 'unauthorized', 'forbidden', 'quota_exceeded', 'internal_error']));
  });

  it.each(readdirSync(MODULES))('the %s context loads first on its own: every code its routes document is registered by then', (ctx) => {
    // Route decorators read the catalog when their class is defined; whichever context an entry
    // point imports first, the codes its controllers name must already be there.
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh module registry per context
      expect(() => require(join(MODULES, ctx, 'index.ts'))).not.toThrow();
    });
  });

  it('refuses a malformed fragment at load time', () => {
    expect(() => defineErrors('test', { Bad_Code: { status: 400, title: 't', description: 'd' } })).toThrow(/snake_case/);
    expect(() => defineErrors('test', { test_ok_status: { status: 200, title: 't', description: 'd' } })).toThrow(/400–599/);
    expect(() => defineErrors('test', { test_untitled: { status: 400, title: ' ', description: 'd' } })).toThrow(/title/);
    expect(() => defineErrors('test', { validation_failed: { status: 400, title: 't', description: 'd' } })).toThrow(/catalogued twice \(common and test\)/);
    expect(() => defineErrors('test', { test_second_default: { status: 401, title: 't', description: 'd', defaultForStatus: true } })).toThrow(/two default codes/);
  });
});
