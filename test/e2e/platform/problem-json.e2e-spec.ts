import { randomUUID } from 'node:crypto';
import { StaffService } from '../../../src/modules/iam/staff.service';
import {
  auditRowsFor,
  createStaff,
  createTestApp,
  CreatedStaff,
  expectProblem,
  loginStaff,
  rawFetch,
  requestId,
  TestApp,
} from '../../support/app';

describe('errors are RFC 9457 problem+json from one filter', () => {
  let t: TestApp;
  let owner: string;
  let support: CreatedStaff;
  let supportToken: string;

  beforeAll(async () => {
    t = await createTestApp();
    owner = (await loginStaff(t)).accessToken;
    support = await createStaff(t, owner, 'support');
    supportToken = (await loginStaff(t, support.email, support.password)).accessToken;
  });
  afterAll(() => t.close());

  const validStaff = () => ({ email: `${randomUUID()}@example.test`, fullName: 'Pat Problem', role: 'support' as const, password: 'a-long-enough-password' });

  it('400: an unknown body field is named in errors, detail and message; nothing is created', async () => {
    const body = { ...validStaff(), nickname: 'patty' };
    const res = await t.as(owner).POST('/api/v1/admin/staff', { body: body as ReturnType<typeof validStaff> });
    const problem = await expectProblem(res, 400, 'validation_failed');
    expect(problem.title).toBe('Invalid request');
    expect(problem.detail).toContain('nickname');
    expect(problem.errors).toEqual([{ field: 'nickname', message: expect.stringContaining('nickname') }]);
    const [{ count }] = await t.db.query(`SELECT count(*)::int AS count FROM staff_members WHERE email = $1`, [body.email]);
    expect(count).toBe(0);
  });

  it('400: every invalid field is listed as { field, message }', async () => {
    const res = await t.as(owner).POST('/api/v1/admin/staff', { body: { email: 'not-an-email', fullName: '', role: 'emperor' as never, password: 'short' } });
    const problem = await expectProblem(res, 400, 'validation_failed');
    const fields = (problem.errors ?? []).map((e) => e.field).sort();
    expect([...new Set(fields)]).toEqual(['email', 'fullName', 'password', 'role']);
    for (const e of problem.errors ?? []) expect(e.message).toEqual(expect.any(String));
  });

  it('400: malformed JSON → code malformed_json (and the request id is still echoed)', async () => {
    const id = requestId('malformed');
    const res = await rawFetch(t, '/api/v1/admin/staff', {
      method: 'POST',
      token: owner,
      headers: { 'Content-Type': 'application/json', 'X-Request-Id': id },
      body: '{"email": "a@b.c",',
    });
    const problem = await expectProblem(res, 400, 'malformed_json');
    expect(problem.requestId).toBe(id);
    const rows = await auditRowsFor(t, id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: 'request.malformed_json', method: 'POST', path: '/api/v1/admin/staff', statusCode: 400, outcome: 'failure', errorCode: 'malformed_json' });
  });

  it('400: a path parameter that is not a uuid', async () => {
    const res = await rawFetch(t, '/api/v1/admin/staff/not-a-uuid', { token: owner });
    const problem = await expectProblem(res, 400, 'validation_failed');
    expect(problem.errors).toEqual([{ field: 'staffId', message: 'staffId must be a UUID' }]);
  });

  it('401: no token', async () => {
    const res = await t.api.GET('/api/v1/admin/staff');
    const problem = await expectProblem(res, 401, 'unauthorized');
    expect(problem.title).toBe('Authentication required');
  });

  it('401: a garbage bearer token', async () => {
    await expectProblem(await rawFetch(t, '/api/v1/auth/me', { token: 'not.a.jwt' }), 401, 'invalid_token');
  });

  it('403: a support member on an owner-only route', async () => {
    const res = await t.as(supportToken).GET('/api/v1/admin/staff');
    const problem = await expectProblem(res, 403, 'forbidden');
    expect(problem.title).toBe('Not allowed');
  });

  it('404: an unknown staff id → staff_member_not_found', async () => {
    const id = randomUUID();
    const res = await t.as(owner).GET('/api/v1/admin/staff/{staffId}', { params: { path: { staffId: id } } });
    const problem = await expectProblem(res, 404, 'staff_member_not_found');
    expect(problem.detail).toContain(id);
  });

  it('404: an unknown route is a problem too', async () => {
    await expectProblem(await rawFetch(t, '/api/v1/no-such-route', { token: owner }), 404, 'route_not_found');
  });

  it('409: a taken email → staff_email_taken', async () => {
    const res = await t.as(owner).POST('/api/v1/admin/staff', { body: { ...validStaff(), email: support.email } });
    const problem = await expectProblem(res, 409, 'staff_email_taken');
    expect(problem.title).toBe('Email already taken');
    expect(problem.detail).toContain(support.email);
  });

  it('X-Request-Id: a safe incoming id is kept and echoed; an unsafe one is replaced', async () => {
    const id = requestId('echo');
    const kept = await rawFetch(t, '/api/v1/auth/me', { headers: { 'X-Request-Id': id } });
    expect(kept.headers.get('x-request-id')).toBe(id);
    expect((await expectProblem(kept, 401)).requestId).toBe(id);

    const unsafe = await rawFetch(t, '/api/v1/auth/me', { headers: { 'X-Request-Id': 'bad id with spaces <script>' } });
    const replaced = unsafe.headers.get('x-request-id');
    expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
    expect((await expectProblem(unsafe, 401)).requestId).toBe(replaced);
  });

  it('413: a body over the 1 MB limit is a problem, not an HTML page', async () => {
    const res = await rawFetch(t, '/api/v1/admin/staff', { method: 'POST', token: owner, json: { ...validStaff(), fullName: 'x'.repeat(1_100_000) } });
    await expectProblem(res, 413, 'payload_too_large');
  });

  describe('500', () => {
    afterEach(() => jest.restoreAllMocks());

    it('never leaks the stack or SQL, and a failed mutation is still audited', async () => {
      const staff = t.app.get(StaffService);
      const leak = Object.assign(new Error('relation "staff_members" does not exist: SELECT password_hash FROM staff_members'), { query: 'SELECT password_hash FROM staff_members' });
      jest.spyOn(staff, 'list').mockRejectedValueOnce(leak);
      jest.spyOn(staff, 'create').mockRejectedValueOnce(leak);

      const read = await t.as(owner).GET('/api/v1/admin/staff');
      const problem = await expectProblem(read, 500, 'internal_error');
      expect(JSON.stringify(problem)).not.toMatch(/password_hash|staff_members|SELECT|stack/);
      expect(Object.keys(problem).sort()).toEqual(['code', 'detail', 'requestId', 'status', 'title', 'type']);

      const id = requestId('boom');
      const write = await t.as(owner).POST('/api/v1/admin/staff', { body: validStaff(), headers: { 'X-Request-Id': id } });
      expect(JSON.stringify(await expectProblem(write, 500, 'internal_error'))).not.toMatch(/password_hash|SELECT/);
      const rows = await auditRowsFor(t, id);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ action: 'staff.create', statusCode: 500, outcome: 'failure', errorCode: 'internal_error' });
    });
  });
});
