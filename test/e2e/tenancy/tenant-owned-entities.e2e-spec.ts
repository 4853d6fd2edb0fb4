import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { EntityMetadata } from 'typeorm';
import { isTenantOwned } from '../../../src/database/tenant-scoped.repository';
import { createTestApp, TestApp } from '../../support/app';

/**
 * Tables with a tenant_id column that are deliberately not tenant-owned data, each with the
 * reason. Everything else with a tenant_id must be marked @TenantOwned() (docs/adr/0013).
 */
const NOT_TENANT_OWNED: Record<string, string> = {
  outbox: 'event transport: written for every tenant by the EventBus, read only by the dispatcher and relay; tenantId is a fact of the envelope',
  staff_notifications: 'a staff member’s inbox, keyed by the staff member; tenant_id (nullable) only says which tenant an alert is about (erased with the tenant)',
  notification_preferences: 'keyed by the person (a tenant user or a staff member; tenant_id null for staff), read and written only for the signed-in person (erased with the tenant)',
};

/** Tables with a tenant_id column and no TypeORM entity, each with the reason (the lint rule cannot see them). */
const WITHOUT_ENTITY: Record<string, string> = {
  usage_events: 'partitioned by month, which TypeORM cannot describe: written and read only by the metering service with the tenant_id of each event, erased by the usage eraser',
};

const ROOT = join(__dirname, '..', '..', '..');

interface LintMessage {
  ruleId: string | null;
  line: number;
  message: string;
}

/** Lints `source` as if it were the file `path` under the repository (ESLint CLI, real config). */
function lint(source: string, path: string): LintMessage[] {
  const run = spawnSync(join(ROOT, 'node_modules', '.bin', 'eslint'), ['--stdin', '--stdin-filename', path, '--format', 'json', '--no-warn-ignored'], {
    cwd: ROOT,
    input: source,
    encoding: 'utf8',
  });
  if (run.status !== 0 && run.status !== 1) throw new Error(`eslint failed (${run.status}): ${run.stderr}`);
  const [result] = JSON.parse(run.stdout) as { messages: LintMessage[] }[];
  return result.messages.filter((m) => m.ruleId === 'no-restricted-syntax');
}

describe('tenant-owned entities are marked, and the lint rule covers every marked one', () => {
  let t: TestApp;
  let withTenantColumn: EntityMetadata[];
  beforeAll(async () => {
    t = await createTestApp();
    withTenantColumn = t.db.entityMetadatas.filter((m) => m.columns.some((c) => c.databaseName === 'tenant_id'));
  });
  afterAll(() => t.close());

  const marked = () => withTenantColumn.filter((m) => isTenantOwned(m.target));

  it('every entity with a tenant_id column is @TenantOwned() or listed as not tenant-owned', () => {
    const unmarked = withTenantColumn.filter((m) => !isTenantOwned(m.target) && !(m.tableName in NOT_TENANT_OWNED)).map((m) => `${m.name} (${m.tableName})`);
    expect(unmarked).toEqual([]);
    // The exemptions stay true: each names a real table that is indeed unmarked.
    for (const table of Object.keys(NOT_TENANT_OWNED)) {
      const meta = withTenantColumn.find((m) => m.tableName === table);
      expect({ table, unmarkedEntity: !!meta && !isTenantOwned(meta.target) }).toEqual({ table, unmarkedEntity: true });
    }
    expect(marked().map((m) => m.name).sort()).toEqual(
      expect.arrayContaining(['AuditLog', 'ImpersonationSession', 'PasswordResetToken', 'RefreshToken', 'TenantNote', 'TenantQuota', 'TenantUsage', 'TenantUsageSnapshot', 'TenantUser']),
    );
  });

  it('every table with a tenant_id column in the migrated database belongs to a marked entity or an exemption', async () => {
    const rows: { table_name: string }[] = await t.db.query(
      // A partition (usage_events_2026_01 …) is part of its partitioned table.
      `SELECT DISTINCT c.table_name FROM information_schema.columns c JOIN pg_class pc ON pc.relname = c.table_name AND pc.relnamespace = current_schema()::regnamespace
        WHERE c.table_schema = current_schema() AND c.column_name = 'tenant_id' AND NOT pc.relispartition ORDER BY c.table_name`,
    );
    const known = new Set([...marked().map((m) => m.tableName), ...Object.keys(NOT_TENANT_OWNED), ...Object.keys(WITHOUT_ENTITY)]);
    for (const table of Object.keys(WITHOUT_ENTITY)) expect({ table, exists: rows.some((r) => r.table_name === table), entity: t.db.entityMetadatas.some((m) => m.tableName === table) }).toEqual({ table, exists: true, entity: false });
    expect(rows.map((r) => r.table_name).filter((table) => !known.has(table))).toEqual([]);
  });

  it('the tenant-owned-access rule reports getRepository, createQueryBuilder, EntityManager calls, @InjectRepository and SQL on each marked entity', () => {
    const entities = marked();
    const lines = ['declare const tx: Record<string, (...args: unknown[]) => unknown>;', 'declare const InjectRepository: (e: unknown) => ParameterDecorator;'];
    const expected: { line: number; what: string }[] = [];
    const probe = (code: string, what: string) => {
      lines.push(code);
      expected.push({ line: lines.length, what });
    };
    for (const { name, tableName } of entities) {
      lines.push(`declare class ${name} {}`);
      probe(`tx.getRepository(${name});`, `getRepository(${name})`);
      probe(`tx.createQueryBuilder(${name}, 'x');`, `createQueryBuilder(${name})`);
      probe(`tx.find(${name}, { where: {} });`, `find(${name})`);
      probe(`export class Uses${name} { constructor(@InjectRepository(${name}) readonly repo: unknown) {} }`, `@InjectRepository(${name})`);
      probe(`tx.query('SELECT 1 FROM ${tableName} WHERE id = $1', ['x']);`, `SQL on ${tableName}`);
      probe('tx.query(`UPDATE ' + tableName + ' SET updated_at = now()`);', `template SQL on ${tableName}`);
    }
    // Not reported: the scoped repository, and an unrelated table.
    lines.push(`declare class TenantScopedRepository { constructor(...a: unknown[]) }`);
    lines.push(`new TenantScopedRepository(tx, ${entities[0].name}, 'tenant');`);
    lines.push(`tx.query('SELECT 1 FROM plans');`);
    const source = lines.join('\n') + '\n';

    const reported = lint(source, 'src/modules/probe/probe.service.ts');
    const reportedLines = new Set(reported.map((m) => m.line));
    expect(expected.filter((e) => !reportedLines.has(e.line)).map((e) => e.what)).toEqual([]);
    expect(reported.filter((m) => !expected.some((e) => e.line === m.line))).toEqual([]);
    expect(reported[0].message).toMatch(/TenantScopedRepository/);

    // The rule is for src/: tests set up fixtures with SQL freely.
    expect(lint(source, 'test/e2e/probe.e2e-spec.ts')).toEqual([]);
  });
});
