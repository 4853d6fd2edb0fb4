import { Client } from 'pg';
import { auditRowsFor, createStaff, createTestApp, expectProblem, loginStaff, requestId, TestApp } from '../../support/app';
import { parseConfig } from '../../../src/config/env';
import { buildDataSourceOptions } from '../../../src/database/typeorm-options';
import { TEST_ENV } from '../../support/test-env';

describe('connection backstops: a lock wait or an open transaction degrades to an error, never a hang', () => {
  let t: TestApp;
  let owner: string;
  beforeAll(async () => {
    t = await createTestApp({ DB_LOCK_TIMEOUT_MS: '500', DB_STATEMENT_TIMEOUT_MS: '2000', DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '3000' });
    owner = (await loginStaff(t)).accessToken;
  });
  afterAll(() => t.close());

  it('every pooled connection carries the configured lock_timeout, statement_timeout and idle_in_transaction_session_timeout', async () => {
    const [row]: { lock: string; statement: string; idle: string }[] = await t.db.query(
      `SELECT current_setting('lock_timeout') AS lock, current_setting('statement_timeout') AS statement,
              current_setting('idle_in_transaction_session_timeout') AS idle`,
    );
    expect(row).toEqual({ lock: '500ms', statement: '2s', idle: '3s' });
  });

  it('the defaults are documented values: 5 s lock wait, 15 s statement, 30 s idle in transaction', () => {
    expect(parseConfig({}).database).toEqual({ lockTimeoutMs: 5000, statementTimeoutMs: 15000, idleInTransactionTimeoutMs: 30000 });
    const options = buildDataSourceOptions('postgres://x@127.0.0.1/test', {}, parseConfig({}).database) as { extra: { options: string } };
    expect(options.extra.options.split(' -c ').map((s) => s.replace(/^-c /, ''))).toEqual(
      expect.arrayContaining(['statement_timeout=15000', 'lock_timeout=5000', 'idle_in_transaction_session_timeout=30000']),
    );
  });

  it('a request that waits on a row lock held elsewhere answers 503 database_busy with Retry-After, changes nothing and is audited', async () => {
    const staff = await createStaff(t, owner, 'support');
    const outsider = new Client({ connectionString: TEST_ENV.DATABASE_URL });
    await outsider.connect();
    try {
      await outsider.query('BEGIN');
      await outsider.query('SELECT id FROM staff_members WHERE id = $1 FOR UPDATE', [staff.id]);

      const id = requestId('locked');
      const res = await t.as(owner).PATCH('/api/v1/admin/staff/{staffId}', {
        params: { path: { staffId: staff.id } },
        body: { fullName: 'Renamed While Locked' },
        headers: { 'X-Request-Id': id },
      });
      await expectProblem(res, 503, 'database_busy');
      expect(res.response.headers.get('retry-after')).toBe('1');
      await outsider.query('ROLLBACK');

      const [row]: { full_name: string }[] = await t.db.query('SELECT full_name FROM staff_members WHERE id = $1', [staff.id]);
      expect(row.full_name).not.toBe('Renamed While Locked');
      const [audit] = await auditRowsFor(t, id);
      expect(audit).toMatchObject({ action: 'staff.update', outcome: 'failure', statusCode: 503, errorCode: 'database_busy' });
    } finally {
      await outsider.end();
    }
  });
});
