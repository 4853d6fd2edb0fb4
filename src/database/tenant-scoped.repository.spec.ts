import { Brackets, Column, DataSource, Entity, InsertQueryBuilder, ObjectLiteral, PrimaryGeneratedColumn, Repository, UpdateQueryBuilder } from 'typeorm';
import { SnakeNamingStrategy } from 'typeorm-naming-strategies';
import { isTenantOwned, TENANT_SCOPE_PARAM, TenantOwned, TenantScopedQueryBuilder, TenantScopedRepository } from './tenant-scoped.repository';

@TenantOwned()
@Entity({ name: 'probe_rows' })
class ProbeRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'boolean', default: false }) archived: boolean;
}

@Entity({ name: 'unmarked_rows' })
class UnmarkedRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
}

/** A DataSource with metadata (and the app's naming strategy) but no connection: SQL is built, nothing is sent. */
let ds: DataSource;
let base: Repository<ProbeRow>;
const TENANT = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';

beforeAll(async () => {
  ds = new DataSource({ type: 'postgres', entities: [ProbeRow, UnmarkedRow], namingStrategy: new SnakeNamingStrategy() });
  await (ds as unknown as { buildMetadatas(): Promise<void> }).buildMetadatas();
  base = ds.manager.getRepository(ProbeRow);
});
afterEach(() => jest.restoreAllMocks());

const scoped = (tenantId = TENANT) => new TenantScopedRepository(ds.manager, ProbeRow, tenantId);
const sql = (qb: { getQueryAndParameters(): [string, unknown[]] }) => qb.getQueryAndParameters();
/** Calls a method with arguments the types forbid, as a careless or hostile caller would. */
const call = (target: object, method: string, ...args: unknown[]) => (target as Record<string, (...a: unknown[]) => unknown>)[method](...args);

describe('TenantOwned marker', () => {
  it('marks a class, and only that class', () => {
    expect(isTenantOwned(ProbeRow)).toBe(true);
    expect(isTenantOwned(UnmarkedRow)).toBe(false);
    expect(isTenantOwned({})).toBe(false);
  });

  it('the repository refuses an unmarked entity and a missing tenant id', () => {
    expect(() => new TenantScopedRepository(ds.manager, UnmarkedRow, TENANT)).toThrow(/not marked @TenantOwned/);
    expect(() => scoped('')).toThrow(/needs a tenant id/);
    expect(() => new TenantScopedRepository(ds.manager, ProbeRow, undefined as unknown as string)).toThrow(/needs a tenant id/);
  });
});

describe('TenantScopedRepository.queryBuilder', () => {
  it('starts constrained to the tenant', () => {
    const [query, params] = sql(scoped().queryBuilder('p'));
    expect(query).toMatch(/ FROM "probe_rows" "p" WHERE "p"\."tenant_id" = \$1$/);
    expect(params).toEqual([TENANT]);
  });

  it('andWhere conditions are ANDed and parenthesised, so an OR inside one cannot escape the tenant', () => {
    const qb = scoped()
      .queryBuilder('p')
      .andWhere('p.name = :a OR p.name = :b', { a: 'x', b: 'y' })
      .andWhere((q) => `${q.alias}.archived = false OR ${q.alias}.archived IS NULL`);
    const [query, params] = sql(qb);
    expect(query).toMatch(/ WHERE "p"\."tenant_id" = \$1 AND \("p"\."name" = \$2 OR "p"\."name" = \$3\) AND \("p"\."archived" = false OR "p"\."archived" IS NULL\)$/);
    expect(params).toEqual([TENANT, 'x', 'y']);
  });

  it('Brackets may use where/orWhere inside: they stay ANDed with the tenant', () => {
    const qb = scoped()
      .queryBuilder('p')
      .andWhere(new Brackets((w) => w.where('p.name = :a', { a: 'x' }).orWhere('p.archived = true')));
    expect(sql(qb)[0]).toMatch(/ WHERE "p"\."tenant_id" = \$1 AND \("p"\."name" = \$2 OR "p"\."archived" = true\)$/);
  });

  it.each([
    ['where', 'p.name IS NOT NULL'],
    ['orWhere', '1 = 1'],
    ['whereInIds', [OTHER]],
    ['orWhereInIds', [OTHER]],
    ['whereExists', null],
    ['orWhereExists', null],
    ['from', 'unmarked_rows', 'u'],
    ['addFrom', 'unmarked_rows', 'u'],
    ['insert'],
    ['update', { name: 'x' }],
    ['delete'],
    ['softDelete'],
    ['restore'],
    ['relation', 'anything'],
  ])('%s() throws instead of dropping the tenant condition', (method, ...args) => {
    const qb = scoped().queryBuilder('p');
    const realArgs = method.endsWith('Exists') ? [base.createQueryBuilder('x').select('1')] : args;
    expect(() => call(qb, method, ...realArgs)).toThrow(/would drop the tenant condition/);
    // Also after chaining (methods return `this`) and on a clone (TypeORM clones for counts).
    expect(() => call(qb.andWhere('p.archived = false'), method, ...realArgs)).toThrow(/would drop the tenant condition/);
    expect(() => call(qb.clone(), method, ...realArgs)).toThrow(/would drop the tenant condition/);
    expect(sql(qb)[1]).toEqual([TENANT]);
  });

  it('the types forbid the same methods', () => {
    const qb = scoped().queryBuilder('p');
    // @ts-expect-error where() is typed never on a scoped builder
    expect(() => qb.where('1 = 1')).toThrow();
    // @ts-expect-error orWhere() is typed never, also after andWhere (it returns the scoped type)
    expect(() => qb.andWhere('p.archived = false').orWhere('1 = 1')).toThrow();
    // @ts-expect-error update() is typed never
    expect(() => qb.update({ name: 'x' })).toThrow();
  });

  it('the tenant parameter cannot be set to another tenant', () => {
    const qb = scoped().queryBuilder('p');
    expect(() => qb.andWhere('p.name = :n', { n: 'x', [TENANT_SCOPE_PARAM]: OTHER })).toThrow(/tenant scope/);
    expect(() => qb.setParameter(TENANT_SCOPE_PARAM, OTHER)).toThrow(/tenant scope/);
    expect(() => qb.setParameters({ [TENANT_SCOPE_PARAM]: OTHER })).toThrow(/tenant scope/);
    expect(() => qb.andWhere(new Brackets((w) => w.where('p.name = :n', { [TENANT_SCOPE_PARAM]: OTHER })))).toThrow(/tenant scope/);
    expect(sql(qb)[1]).toEqual([TENANT]);
    // Setting it to its own value is harmless.
    expect(() => qb.setParameter(TENANT_SCOPE_PARAM, TENANT)).not.toThrow();
  });

  it('clones keep the scope; sub-query builders have none and build freely', () => {
    const qb = scoped().queryBuilder('p').andWhere('p.archived = false');
    const clone = qb.clone();
    expect(clone).toBeInstanceOf(TenantScopedQueryBuilder);
    expect(clone.tenantId).toBe(TENANT);
    expect(sql(clone)).toEqual(sql(qb));
    const sub = qb.subQuery().select('u.id').from(UnmarkedRow, 'u').where('u.id IS NOT NULL');
    expect(sub.getQuery()).toMatch(/FROM "unmarked_rows" "u" WHERE "u"\."id" IS NOT NULL\)$/);
  });

  it('refuses an alias that is not a plain identifier', () => {
    expect(() => scoped().queryBuilder('p OR 1=1 --')).toThrow(/Invalid query alias/);
  });
});

describe('TenantScopedRepository finders and writes', () => {
  /** Replaces `method` of the underlying TypeORM repository and returns its mock. */
  function stub<K extends keyof Repository<ProbeRow>>(method: K, result: unknown): jest.SpyInstance {
    return jest.spyOn(base, method as never).mockResolvedValue(result as never);
  }

  it('every finder adds the tenant, and a tenantId smuggled into where is overridden', async () => {
    const findOne = stub('findOne', null);
    const find = stub('find', []);
    const findAndCount = stub('findAndCount', [[], 0]);
    const count = stub('count', 0);
    const exists = stub('exists', false);
    const repo = scoped();
    await repo.findOne({ id: 'a' });
    await repo.findOne({ id: 'a', tenantId: OTHER } as never);
    await repo.find({ where: { name: 'x' }, take: 5 });
    await repo.findAndCount({ order: { name: 'ASC' } });
    await repo.count();
    await repo.exists({ archived: true });
    expect(findOne.mock.calls).toEqual([[{ where: { id: 'a', tenantId: TENANT } }], [{ where: { id: 'a', tenantId: TENANT } }]]);
    expect(find).toHaveBeenCalledWith({ where: { name: 'x', tenantId: TENANT }, take: 5 });
    expect(findAndCount).toHaveBeenCalledWith({ order: { name: 'ASC' }, where: { tenantId: TENANT } });
    expect(count).toHaveBeenCalledWith({ where: { tenantId: TENANT } });
    expect(exists).toHaveBeenCalledWith({ where: { archived: true, tenantId: TENANT } });
  });

  it('a where key set to undefined throws (TypeORM would ignore it and match the first row)', async () => {
    const findOne = stub('findOne', null);
    await expect(scoped().findOne({ id: undefined })).rejects.toThrow(/id: undefined/);
    await expect(scoped().count([{ id: 'a' }, { id: 'b' }] as never)).rejects.toThrow(/not an OR-array/);
    expect(findOne).not.toHaveBeenCalled();
  });

  it('update and delete are scoped; a patch cannot move a row to another tenant', async () => {
    const update = stub('update', { affected: 1 });
    const del = stub('delete', { affected: 2 });
    const repo = scoped();
    expect(await repo.update({ id: 'a' }, { name: 'renamed' })).toBe(1);
    expect(await repo.delete({ archived: true })).toBe(2);
    expect(update).toHaveBeenCalledWith({ id: 'a', tenantId: TENANT }, { name: 'renamed' });
    expect(del).toHaveBeenCalledWith({ archived: true, tenantId: TENANT });
    await expect(repo.update({ id: 'a' }, { tenantId: OTHER } as never)).rejects.toThrow(/cannot set tenantId/);
    expect(update).toHaveBeenCalledTimes(1);
  });

  it('insert sets the tenant, can skip conflicts, and returns the inserted primary keys', async () => {
    const executed: [string, unknown[]][] = [];
    jest.spyOn(InsertQueryBuilder.prototype, 'execute').mockImplementation(async function (this: InsertQueryBuilder<ObjectLiteral>) {
      executed.push(this.getQueryAndParameters());
      return { raw: [{ id: 'new-id' }], identifiers: [], generatedMaps: [] };
    });
    const repo = scoped();
    expect(await repo.insert({ name: 'a' }, { orIgnore: true })).toEqual([{ id: 'new-id' }]);
    const [query, params] = executed[0];
    expect(query).toMatch(/^INSERT INTO "probe_rows" AS "ProbeRow"\("id", "tenant_id", "name", "archived"\) VALUES \(DEFAULT, \$1, \$2, DEFAULT\) ON CONFLICT DO NOTHING +RETURNING "id"$/);
    expect(params).toEqual([TENANT, 'a']);
    await expect(repo.insert({ name: 'b', tenantId: OTHER } as never)).rejects.toThrow(/cannot set tenantId/);
    expect(executed).toHaveLength(1);
  });

  it('insertOne sets the tenant and returns the row as stored from INSERT … RETURNING *, without a second read', async () => {
    const executed: string[] = [];
    jest.spyOn(InsertQueryBuilder.prototype, 'execute').mockImplementation(async function (this: InsertQueryBuilder<ObjectLiteral>) {
      executed.push(this.getQueryAndParameters()[0]);
      return { raw: [{ id: 'new-id', tenant_id: TENANT, name: 'a', archived: false }], identifiers: [], generatedMaps: [] };
    });
    const findOne = stub('findOne', null);
    const row = await scoped().insertOne({ name: 'a' });
    expect(row).toBeInstanceOf(ProbeRow);
    expect(row).toEqual(Object.assign(new ProbeRow(), { id: 'new-id', tenantId: TENANT, name: 'a', archived: false }));
    expect(executed[0]).toMatch(/VALUES \(DEFAULT, \$1, \$2, DEFAULT\) +RETURNING \*$/);
    expect(findOne).not.toHaveBeenCalled();
  });

  it('insertOne with orIgnore is null when the row was skipped by a conflict', async () => {
    jest.spyOn(InsertQueryBuilder.prototype, 'execute').mockResolvedValue({ raw: [], identifiers: [], generatedMaps: [] });
    expect(await scoped().insertOne({ name: 'a' }, { orIgnore: true })).toBeNull();
    await expect(scoped().insertOne({ name: 'a' })).rejects.toThrow(/not inserted/);
  });

  it('updateOne scopes the UPDATE to the tenant and returns the row from RETURNING *', async () => {
    const executed: [string, unknown[]][] = [];
    jest.spyOn(UpdateQueryBuilder.prototype, 'execute').mockImplementation(async function (this: UpdateQueryBuilder<ObjectLiteral>) {
      executed.push(this.getQueryAndParameters());
      return { raw: [{ id: 'a', tenant_id: TENANT, name: 'renamed', archived: false }], affected: 1, generatedMaps: [] };
    });
    const row = await scoped().updateOne({ id: 'a' }, { name: 'renamed' });
    expect(row).toEqual(Object.assign(new ProbeRow(), { id: 'a', tenantId: TENANT, name: 'renamed', archived: false }));
    const [query, params] = executed[0];
    expect(query).toMatch(/^UPDATE "probe_rows" SET "name" = \$1 WHERE \("id" = \$2 AND "tenant_id" = \$3\) RETURNING \*$/);
    expect(params).toEqual(['renamed', 'a', TENANT]);
    await expect(scoped().updateOne({ id: 'a' }, { tenantId: OTHER } as never)).rejects.toThrow(/cannot set tenantId/);
  });
});
