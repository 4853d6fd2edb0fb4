import { INestApplication, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import createClient, { Client } from 'openapi-fetch';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/app.setup';
import { Clock } from '../../src/common/time';
import type { components, paths } from './openapi';

/** A booted application listening on an ephemeral port, with a typed client of openapi.json. */
export interface TestApp {
  app: INestApplication;
  baseUrl: string;
  db: DataSource;
  /** Client typed from openapi.json: every e2e call proves the published contract. */
  api: Client<paths>;
  /** Same client with a bearer token. */
  as(token: string): Client<paths>;
  close(): Promise<void>;
}

/**
 * Boots the real AppModule against the test PostgreSQL and Redis (no mocks). `env` overrides
 * environment variables while the app is built (configuration is read then), and is restored after;
 * `imports` adds test-only modules (e.g. consumers of test events); `options.clock` replaces the
 * system clock (test/support/clock.ts ControllableClock).
 */
export async function createTestApp(env: Record<string, string> = {}, imports: Type[] = [], options: { clock?: Clock } = {}): Promise<TestApp> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  let app: INestApplication;
  try {
    const builder = Test.createTestingModule({ imports: [AppModule, ...imports] });
    if (options.clock) builder.overrideProvider(Clock).useValue(options.clock);
    const moduleRef = await builder.compile();
    app = moduleRef.createNestApplication({ logger: false });
    configureApp(app);
    app.enableShutdownHooks();
    await app.listen(0, '127.0.0.1');
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  const address = app.getHttpServer().address() as { port: number };
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const api = createClient<paths>({ baseUrl });
  return {
    app,
    baseUrl,
    db: app.get(DataSource),
    api,
    as: (token: string) => createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } }),
    close: () => app.close(),
  };
}

/** Bootstrap owner credentials of the test environment. */
export const OWNER = { email: 'owner@example.com', password: 'change-me-owner-password' };

/** Signs in as platform staff and returns the token pair. */
export async function loginStaff(t: TestApp, email = OWNER.email, password = OWNER.password) {
  const { data, error, response } = await t.api.POST('/api/v1/admin/auth/login', { body: { email, password } });
  if (!data) throw new Error(`staff login failed: ${response.status} ${JSON.stringify(error)}`);
  return data;
}

let seq = 0;
/** A unique suffix for emails/slugs so test files never collide. */
export function unique(prefix = 'x'): string {
  seq += 1;
  return `${prefix}-${Date.now().toString(36)}-${process.pid.toString(36)}-${seq}`;
}

/** A unique, valid `X-Request-Id` value (lets a test find the audit row of one request). */
export function requestId(prefix = 'req'): string {
  return `${prefix}-${randomUUID()}`;
}

/** Shape of every error body (RFC 9457 problem details as this API sends them), with the members of its code family when it has them. */
export type Problem = components['schemas']['ProblemDto'] & Partial<Pick<components['schemas']['ValidationProblemDto'], 'errors'>> & Record<string, unknown>;

/** A staff member created through the API, with the password it was given. */
export interface CreatedStaff {
  id: string;
  email: string;
  password: string;
  role: 'owner' | 'admin' | 'support';
}

/** Creates a staff member as `ownerToken` (POST /admin/staff) with a unique email. */
export async function createStaff(
  t: TestApp,
  ownerToken: string,
  role: CreatedStaff['role'] = 'support',
  password = `pw-${randomUUID()}`,
): Promise<CreatedStaff> {
  const email = `${unique(role)}@example.test`;
  const { data, error, response } = await t.as(ownerToken).POST('/api/v1/admin/staff', { body: { email, fullName: `Test ${role}`, role, password } });
  if (!data) throw new Error(`staff creation failed: ${response.status} ${JSON.stringify(error)}`);
  return { id: data.id, email: data.email, password, role };
}

/** Row of `audit_logs` in camelCase, as the tests read it straight from PostgreSQL. */
export interface AuditRow {
  id: string;
  occurredAt: Date;
  requestId: string | null;
  actorType: string | null;
  actorId: string | null;
  actorEmail: string | null;
  actorClientId: string | null;
  tenantId: string | null;
  action: string;
  module: string | null;
  resourceType: string | null;
  resourceId: string | null;
  method: string;
  path: string;
  statusCode: number;
  outcome: string;
  errorCode: string | null;
  ip: string | null;
  userAgent: string | null;
  changes: Record<string, unknown> | null;
  metadata: Record<string, unknown> | null;
}

/** Audit rows written for one request id, oldest first. */
export async function auditRowsFor(t: TestApp, reqId: string): Promise<AuditRow[]> {
  return t.db.query(
    `SELECT id, occurred_at AS "occurredAt", request_id AS "requestId", actor_type AS "actorType", actor_id AS "actorId",
            actor_email AS "actorEmail", actor_client_id AS "actorClientId", tenant_id AS "tenantId", action, module, resource_type AS "resourceType",
            resource_id AS "resourceId", method, path, status_code AS "statusCode", outcome, error_code AS "errorCode",
            ip, user_agent AS "userAgent", changes, metadata
       FROM audit_logs WHERE request_id = $1 ORDER BY occurred_at, id`,
    [reqId],
  );
}

/** Raw HTTP call (for what the typed client cannot express: malformed JSON, forged tokens, odd headers). */
export function rawFetch(t: TestApp, path: string, init: RequestInit & { token?: string; json?: unknown } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('Authorization', `Bearer ${init.token}`);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set('Content-Type', 'application/json');
    body = JSON.stringify(init.json);
  }
  return fetch(t.baseUrl + path, { ...init, headers, body });
}

/** Result of a typed-client call (openapi-fetch has already read the body into `error`). */
interface ClientResult {
  response: Response;
  error?: unknown;
}

/**
 * Asserts the RFC 9457 shape of an error response — status, `application/problem+json`,
 * `{ type, title, status, detail, code, requestId }` with requestId = the X-Request-Id header,
 * no stack or SQL — and returns its body. Accepts a raw Response or a typed-client result.
 */
export async function expectProblem(result: Response | ClientResult, status: number, code?: string): Promise<Problem> {
  const response = result instanceof Response ? result : result.response;
  const body = (result instanceof Response ? await result.json() : result.error) as Problem;
  expect({ status: response.status, body }).toEqual(expect.objectContaining({ status }));
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(body).toEqual(
    expect.objectContaining({
      // The URI reference of the code's page on this server (docs/adr/0014-error-code-catalog.md).
      type: `/api/v1/problems/${body?.code}`,
      title: expect.any(String),
      status,
      detail: expect.any(String),
      code: code ?? expect.any(String),
      requestId: response.headers.get('x-request-id'),
    }),
  );
  expect(body.requestId).toBeTruthy();
  expect(body.type.endsWith(`/${body.code}`)).toBe(true);
  expect(JSON.stringify(body)).not.toMatch(/\n\s+at |QueryFailedError|SELECT |INSERT /);
  return body;
}
