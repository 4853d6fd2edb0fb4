import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The staff role matrix (docs/staff-role-matrix.md), checked against the committed contract: every
 * staff route of openapi.json publishes the roles its guard admits (`x-staff-roles`), and those
 * roles are exactly what the matrix gives its path and method. A new admin route that forgets the
 * rule fails here.
 */
type Operation = { operationId?: string; security?: unknown[]; 'x-staff-roles'?: string[] };
const spec = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'openapi.json'), 'utf8')) as { paths: Record<string, Record<string, Operation>> };
const operations = Object.entries(spec.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method: method.toUpperCase(), op })));

/** Staff management: owners only, reads included. */
const STAFF_MANAGEMENT = /^\/api\/v1\/admin\/staff(\/|$)/;
/** Reads of owner-and-admin tools: the data itself, credentials, or cross-tenant payloads. */
const OWNER_ADMIN_READS: { path: RegExp; reason: string }[] = [
  { path: /^\/api\/v1\/admin\/exports(\/|$)/, reason: 'exports are the data itself (and the log of who exported it)' },
  { path: /^\/api\/v1\/admin\/compliance(\/|$)/, reason: 'personal-data requests are heavily permissioned' },
  { path: /^\/api\/v1\/admin\/service-clients(\/|$)/, reason: 'credentials of product-module services' },
  { path: /^\/api\/v1\/admin\/webhooks(\/|$)/, reason: 'platform webhooks: secrets, custom headers and cross-tenant payload logs' },
  { path: /^\/api\/v1\/admin\/audit-logs\/verify$/, reason: 'the integrity check walks a whole hash chain' },
];
/** Writes support staff may make beyond impersonation and notes. */
const SUPPORT_WRITES: { method: string; path: RegExp; reason: string }[] = [
  { method: 'POST', path: /^\/api\/v1\/admin\/impersonations(\/|$)/, reason: 'impersonate' },
  { method: '*', path: /^\/api\/v1\/admin\/tenants\/\{tenantId\}\/notes(\/|$)/, reason: 'notes' },
  { method: '*', path: /^\/api\/v1\/admin\/auth\//, reason: 'their own account (two-factor)' },
  { method: '*', path: /^\/api\/v1\/admin\/notifications(\/|$)/, reason: 'their own inbox' },
  { method: 'PUT', path: /^\/api\/v1\/admin\/alerts\/\{alertId\}\/acknowledge$/, reason: 'triage: acknowledging an alert changes no tenant data' },
  { method: 'POST', path: /^\/api\/v1\/admin\/tenants\/\{tenantId\}\/quota\/what-if$/, reason: 'a computation: changes nothing' },
];

/** The roles the matrix admits on `method path`. */
function matrix(method: string, path: string): string[] {
  if (STAFF_MANAGEMENT.test(path)) return ['owner'];
  if (OWNER_ADMIN_READS.some((r) => r.path.test(path))) return ['owner', 'admin'];
  const read = method === 'GET';
  const supportWrite = SUPPORT_WRITES.some((w) => (w.method === '*' || w.method === method) && w.path.test(path));
  return read || supportWrite ? ['owner', 'admin', 'support'] : ['owner', 'admin'];
}

describe('staff role matrix (docs/staff-role-matrix.md)', () => {
  const staffRoutes = operations.filter(({ op }) => op['x-staff-roles'] !== undefined);

  it('has staff routes to check, and every /api/v1/admin route that needs a token is a staff route', () => {
    expect(staffRoutes.length).toBeGreaterThan(100);
    const unguarded = operations.filter(({ path, op }) => path.startsWith('/api/v1/admin/') && op.security?.length !== 0 && op['x-staff-roles'] === undefined).map(({ method, path }) => `${method} ${path}`);
    expect(unguarded).toEqual([]);
  });

  it('admits exactly the roles the matrix gives each route (support: read, impersonate, notes; admin: all but staff management; owner: all)', () => {
    const mismatches = staffRoutes
      .map(({ method, path, op }) => ({ at: `${method} ${path} (${op.operationId})`, published: [...op['x-staff-roles']!].sort(), expected: matrix(method, path).sort() }))
      .filter((r) => r.published.join() !== r.expected.join())
      .map((r) => `${r.at}: admits ${r.published.join(', ')}; the matrix says ${r.expected.join(', ')}`);
    expect(mismatches).toEqual([]);
  });

  it('owners may call every staff route', () => {
    expect(staffRoutes.filter(({ op }) => !op['x-staff-roles']!.includes('owner')).map(({ method, path }) => `${method} ${path}`)).toEqual([]);
  });
});
