import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * The repository's Spectral rules for the contract's conventions (operationId areas, the shared
 * page envelope, filter names, state names) must reject what they exist to reject: each mutation
 * below breaks one convention on a copy of openapi.json and must be reported by its rule at its
 * place. (`npm run openapi:check` proves the committed document passes them.)
 */
describe('Spectral rules of the contract conventions', () => {
  type Finding = { code: string; path: string[]; severity: number };
  let findings: Finding[];

  beforeAll(async () => {
    const spec = JSON.parse(readFileSync('openapi.json', 'utf8'));
    const get = (path: string) => spec.paths[path].get;
    get('/api/v1/admin/plans').operationId = 'plans_list';
    get('/api/v1/auth/me').operationId = 'tenantMe_get';
    get('/api/v1/tenant').operationId = 'profile_get';
    get('/api/v1/admin/staff').operationId = 'adminStaff-list';
    get('/api/v1/tenant/users').parameters.push({ name: 'active', in: 'query', schema: { type: 'boolean' } });
    get('/api/v1/admin/tenants').parameters.push({ name: 'plan_tier', in: 'query', schema: { type: 'string' } });
    get('/api/v1/admin/tenants/{tenantId}/notes').responses['200'].content['application/json'].schema = { type: 'array', items: { type: 'object' } };
    spec.paths['/api/v1/admin/tenants'].post.operationId = 'adminTenants_list';
    spec.components.schemas.PlanDto.properties.enabled = { type: 'boolean' };
    spec.components.schemas.TenantUserDto.properties.status = { type: 'string' };
    const file = join(mkdtempSync(join(tmpdir(), 'spectral-')), 'openapi.json');
    writeFileSync(file, JSON.stringify(spec, null, 1));
    const run = await promisify(execFile)('node_modules/.bin/spectral', ['lint', file, '--ruleset', '.spectral.yaml', '--format', 'json', '--fail-severity', 'hint'], { maxBuffer: 1 << 24 }).catch(
      (error: { stdout: string }) => ({ stdout: error.stdout }),
    );
    findings = JSON.parse(run.stdout.slice(run.stdout.indexOf('['))) as Finding[];
  }, 60_000);

  const reported = (code: string, ...path: (string | number)[]) =>
    expect(findings.filter((f) => f.code === code).map((f) => f.path.join('.'))).toContain(path.join('.'));

  it('holds operationIds to <area>_<verb> with admin and tenant areas kept apart', () => {
    reported('operation-id-admin-area', 'paths', '/api/v1/admin/plans', 'get', 'operationId');
    reported('operation-id-areas-reserved', 'paths', '/api/v1/auth/me', 'get', 'operationId');
    reported('operation-id-tenant-area', 'paths', '/api/v1/tenant', 'get', 'operationId');
    reported('operation-id-scheme', 'paths', '/api/v1/admin/staff', 'get', 'operationId');
    reported('list-only-get', 'paths', '/api/v1/admin/tenants', 'post', 'operationId');
  });

  it('holds lists to the shared envelope and filters to the names of the fields they filter', () => {
    reported('list-envelope-and-filters', 'paths', '/api/v1/admin/tenants/{tenantId}/notes', 'get', 'responses', '200');
    const users = spec().paths['/api/v1/tenant/users'].get.parameters.length;
    const tenants = spec().paths['/api/v1/admin/tenants'].get.parameters.length;
    reported('list-envelope-and-filters', 'paths', '/api/v1/tenant/users', 'get', 'parameters', users);
    reported('state-filter-name', 'paths', '/api/v1/tenant/users', 'get', 'parameters', users, 'name');
    reported('list-envelope-and-filters', 'paths', '/api/v1/admin/tenants', 'get', 'parameters', tenants);
  });

  it('names states one way: isActive flags and status enums', () => {
    reported('state-flag-name', 'components', 'schemas', 'PlanDto', 'properties', 'enabled');
    reported('status-is-enum', 'components', 'schemas', 'TenantUserDto', 'properties', 'status');
  });

  it('finds nothing else: every error is one of the mutations', () => {
    const errors = findings.filter((f) => f.severity === 0).map((f) => `${f.code} ${f.path.join('.')}`);
    expect(errors.filter((e) => !MUTATED_PATHS.some((m) => e.includes(m)))).toEqual([]);
  });
});

/** Places the mutations touch: every error of the run lies in one of them. */
const MUTATED_PATHS = [
  'paths./api/v1/admin/plans.get',
  'paths./api/v1/auth/me.get',
  'paths./api/v1/tenant.get',
  'paths./api/v1/admin/staff.get',
  'paths./api/v1/tenant/users.get',
  'paths./api/v1/admin/tenants.get',
  'paths./api/v1/admin/tenants.post',
  'paths./api/v1/admin/tenants/{tenantId}/notes.get',
  'components.schemas.PlanDto.properties.enabled',
  'components.schemas.TenantUserDto.properties.status',
];

/** The committed document, unmutated. */
function spec(): { paths: Record<string, Record<string, { parameters: unknown[] }>> } {
  return JSON.parse(readFileSync('openapi.json', 'utf8'));
}
