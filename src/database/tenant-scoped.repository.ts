import { DataSource, EntityManager, FindManyOptions, FindOptionsWhere, ObjectLiteral, QueryBuilder, QueryRunner, Repository, SelectQueryBuilder } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

/**
 * A row of a tenant-owned table (CONVENTIONS §4: every tenant-owned table has `tenant_id`).
 * Nullable for tables that also hold platform rows (an audit row of a staff action on no tenant,
 * a staff member's refresh token); the scope then simply never matches them.
 */
export interface TenantOwnedEntity extends ObjectLiteral {
  tenantId: string | null;
}

/** The class of a tenant-owned entity, as TypeORM knows it. */
export type TenantOwnedClass<E extends TenantOwnedEntity> = new () => E;

const TENANT_OWNED = Symbol.for('control-plane.tenant-owned');

/**
 * Marks an entity class as tenant-owned (docs/adr/0013). Every entity with a `tenantId` column
 * carries it, or is listed with a reason in test/e2e/tenancy/tenant-owned-entities.e2e-spec.ts,
 * which fails otherwise. The marker is what the `tenant-owned-access` lint rule in
 * eslint.config.mjs is derived from: outside its allow-list, `src/` reaches a marked entity only
 * through {@link TenantScopedRepository}, whose constructor refuses an unmarked class.
 */
export function TenantOwned(): ClassDecorator {
  return (target) => {
    Object.defineProperty(target, TENANT_OWNED, { value: true });
  };
}

/** Whether `target` is an entity class marked {@link TenantOwned} (or inherits from one). */
export function isTenantOwned(target: unknown): boolean {
  return typeof target === 'function' && (target as unknown as Record<symbol, unknown>)[TENANT_OWNED] === true;
}

/** A where clause without the tenant: the scope adds it, so no caller can forget or override it. */
export type ScopedWhere<E extends TenantOwnedEntity> = Omit<FindOptionsWhere<E>, 'tenantId'>;

/** Column values of an insert or update without the tenant, which the scope sets and never lets change. */
export type ScopedValues<E extends TenantOwnedEntity> = Omit<QueryDeepPartialEntity<E>, 'tenantId'>;

/** Find options whose `where` is a {@link ScopedWhere} (one object; OR-arrays would each need the tenant). */
export type ScopedFindOptions<E extends TenantOwnedEntity> = Omit<FindManyOptions<E>, 'where'> & { where?: ScopedWhere<E> };

/** Name of the query parameter that carries the scope's tenant; no caller may set it. */
export const TENANT_SCOPE_PARAM = '__tenantScope';

const ALIAS = /^[A-Za-z_][A-Za-z0-9_]*$/;

function refuse(method: string, hint: string): never {
  throw new Error(`TenantScopedQueryBuilder.${method}() would drop the tenant condition; ${hint} (CONVENTIONS §4, docs/adr/0013).`);
}

function assertNoTenant(values: object, what: string): void {
  if (Object.prototype.hasOwnProperty.call(values, 'tenantId')) throw new Error(`A tenant-scoped ${what} cannot set tenantId: the scope sets it.`);
}

/**
 * A SELECT builder that starts as `"<alias>"."tenant_id" = :__tenantScope` and cannot lose that
 * condition: the methods that would replace it (`where`, `whereInIds`, `whereExists`), OR
 * around it (`orWhere`, `orWhereInIds`, `orWhereExists`), select from another table
 * (`from`, `addFrom`) or turn it into a write (`insert`, `update`, `delete`, `softDelete`,
 * `restore`, `relation`) are typed `never` and throw; setting the tenant parameter to another
 * value throws. Add conditions with `andWhere` (`Brackets` inside it may use `where`/`orWhere`:
 * they are parenthesised and ANDed with the tenant). Writes go through the repository's
 * `update`/`delete`/`insert`. Joins are not scoped: join only along the row's own relations.
 * Clones made by TypeORM (counts, pagination) keep the scope; sub-query builders have none.
 */
export class TenantScopedQueryBuilder<E extends ObjectLiteral> extends SelectQueryBuilder<E> {
  private scopeTenantId: string | undefined;

  constructor(queryBuilder: QueryBuilder<ObjectLiteral>);
  constructor(connection: DataSource, queryRunner?: QueryRunner);
  constructor(source: QueryBuilder<ObjectLiteral> | DataSource, queryRunner?: QueryRunner) {
    super(source as DataSource, queryRunner);
    // TypeORM clones a builder with `new this.constructor(this)`; a clone keeps the scope.
    if (source instanceof TenantScopedQueryBuilder) this.scopeTenantId = source.scopeTenantId;
  }

  /**
   * Wraps `base` (a fresh builder over the entity, with `alias` as main alias and no condition
   * yet) into a builder of `tenantId`'s rows. @throws Error on an alias that is not a plain identifier
   */
  static of<E extends ObjectLiteral>(base: SelectQueryBuilder<E>, alias: string, tenantId: string): TenantScopedQueryBuilder<E> {
    if (!ALIAS.test(alias)) throw new Error(`Invalid query alias ${JSON.stringify(alias)}.`);
    const qb = new TenantScopedQueryBuilder<E>(base);
    // The property path (not the column name): TypeORM quotes it as "alias"."tenant_id", whatever the alias's case.
    qb.expressionMap.wheres = [{ type: 'simple', condition: `${alias}.tenantId = :${TENANT_SCOPE_PARAM}` }];
    qb.expressionMap.parameters[TENANT_SCOPE_PARAM] = tenantId;
    qb.scopeTenantId = tenantId;
    return qb;
  }

  /** The tenant this builder is restricted to (undefined on a sub-query builder). */
  get tenantId(): string | undefined {
    return this.scopeTenantId;
  }

  override setParameter(key: string, value: unknown): this {
    this.assertScopeKept({ [key]: value });
    return super.setParameter(key, value);
  }

  /** @throws Error when `parameters` would set the tenant parameter to another value. */
  private assertScopeKept(parameters: ObjectLiteral | undefined): void {
    if (this.scopeTenantId === undefined || !parameters || !Object.prototype.hasOwnProperty.call(parameters, TENANT_SCOPE_PARAM)) return;
    if (parameters[TENANT_SCOPE_PARAM] !== this.scopeTenantId) {
      throw new Error(`The query parameter ${TENANT_SCOPE_PARAM} is the tenant scope and cannot be changed.`);
    }
  }

  /**
   * Adds a condition ANDed with the tenant's. A string (or a function's string) is parenthesised
   * first: TypeORM does not, and `tenant AND a OR b` would read every tenant's rows matching `b`.
   */
  override andWhere(where: Parameters<SelectQueryBuilder<E>['andWhere']>[0], parameters?: ObjectLiteral): this {
    // Checked before TypeORM adds the condition, so a refused call leaves the builder as it was.
    this.assertScopeKept(parameters);
    if (this.scopeTenantId !== undefined) {
      if (typeof where === 'string') where = `(${where})`;
      else if (typeof where === 'function') {
        const build = where;
        where = (qb: this) => `(${build(qb)})`;
      }
    }
    return super.andWhere(where, parameters);
  }

  override where(...args: never[]): never {
    if (this.scopeTenantId !== undefined) refuse('where', 'add conditions with andWhere');
    return (super.where as (...a: unknown[]) => never).apply(this, args);
  }

  override orWhere(...args: never[]): never {
    if (this.scopeTenantId !== undefined) refuse('orWhere', 'put the alternatives in andWhere(new Brackets(...))');
    return (super.orWhere as (...a: unknown[]) => never).apply(this, args);
  }

  override whereInIds(...args: never[]): never {
    if (this.scopeTenantId !== undefined) refuse('whereInIds', 'use andWhereInIds');
    return (super.whereInIds as (...a: unknown[]) => never).apply(this, args);
  }

  override orWhereInIds(...args: never[]): never {
    if (this.scopeTenantId !== undefined) refuse('orWhereInIds', 'use andWhereInIds');
    return (super.orWhereInIds as (...a: unknown[]) => never).apply(this, args);
  }

  override whereExists(...args: never[]): never {
    if (this.scopeTenantId !== undefined) refuse('whereExists', 'use andWhereExists');
    return (super.whereExists as (...a: unknown[]) => never).apply(this, args);
  }

  override orWhereExists(...args: never[]): never {
    if (this.scopeTenantId !== undefined) refuse('orWhereExists', 'use andWhereExists');
    return (super.orWhereExists as (...a: unknown[]) => never).apply(this, args);
  }

  override from(...args: never[]): never {
    if (this.scopeTenantId !== undefined) refuse('from', 'build another scoped builder for another table');
    return (super.from as (...a: unknown[]) => never).apply(this, args);
  }

  override addFrom(...args: never[]): never {
    if (this.scopeTenantId !== undefined) refuse('addFrom', 'join along the entity’s relations instead');
    return (super.addFrom as (...a: unknown[]) => never).apply(this, args);
  }

  override insert(...args: never[]): never {
    if (this.scopeTenantId !== undefined) refuse('insert', 'use TenantScopedRepository.insert');
    return (super.insert as (...a: unknown[]) => never).apply(this, args);
  }

  override update(...args: never[]): never {
    if (this.scopeTenantId !== undefined) refuse('update', 'use TenantScopedRepository.update');
    return (super.update as (...a: unknown[]) => never).apply(this, args);
  }

  override delete(...args: never[]): never {
    if (this.scopeTenantId !== undefined) refuse('delete', 'use TenantScopedRepository.delete');
    return (super.delete as (...a: unknown[]) => never).apply(this, args);
  }

  override softDelete(...args: never[]): never {
    if (this.scopeTenantId !== undefined) refuse('softDelete', 'use TenantScopedRepository.update');
    return (super.softDelete as (...a: unknown[]) => never).apply(this, args);
  }

  override restore(...args: never[]): never {
    if (this.scopeTenantId !== undefined) refuse('restore', 'use TenantScopedRepository.update');
    return (super.restore as (...a: unknown[]) => never).apply(this, args);
  }

  override relation(...args: never[]): never {
    if (this.scopeTenantId !== undefined) refuse('relation', 'load relations with joins on this builder');
    return (super.relation as (...a: unknown[]) => never).apply(this, args);
  }
}

/**
 * Repository of one tenant's rows (CONVENTIONS §4, docs/adr/0013). Every read and write it
 * offers carries `tenant_id = <tenant>`, and its types leave no way to name another tenant: a
 * `where` has no `tenantId`, values cannot set one, and {@link queryBuilder} cannot drop the
 * condition. A row of another tenant is simply not found (a 404 for the caller, never a 403).
 * Built per request from the transaction's EntityManager (`TransactionHost.tx`) and the tenant
 * of the token (tenant routes) or of the path (staff routes about one tenant).
 * @throws Error from the constructor when the entity is not marked {@link TenantOwned} or the
 *   tenant id is missing, so a request without a tenant fails instead of reading unscoped.
 */
export class TenantScopedRepository<E extends TenantOwnedEntity> {
  private readonly repo: Repository<E>;

  constructor(
    manager: EntityManager,
    entity: TenantOwnedClass<E>,
    readonly tenantId: string,
  ) {
    if (!isTenantOwned(entity)) throw new Error(`${entity.name} is not marked @TenantOwned(); only tenant-owned entities have a tenant scope.`);
    if (typeof tenantId !== 'string' || tenantId.length === 0) throw new Error(`A tenant scope on ${entity.name} needs a tenant id.`);
    this.repo = manager.getRepository(entity);
  }

  /**
   * `where` with the tenant. A key whose value is `undefined` throws: TypeORM drops such a key,
   * so `{ id: undefined }` would match the tenant's first row instead of none.
   */
  private scoped(where: ScopedWhere<E> = {} as ScopedWhere<E>): FindOptionsWhere<E> {
    if (Array.isArray(where)) throw new Error('A tenant-scoped where must be one object, not an OR-array.');
    for (const [key, value] of Object.entries(where)) {
      if (value === undefined) throw new Error(`A tenant-scoped where has ${key}: undefined, which TypeORM would ignore.`);
    }
    return { ...where, tenantId: this.tenantId } as FindOptionsWhere<E>;
  }

  /** A SELECT builder over the tenant's rows, aliased `alias`; add conditions with `andWhere`. */
  queryBuilder(alias: string): TenantScopedQueryBuilder<E> {
    return TenantScopedQueryBuilder.of(this.repo.createQueryBuilder(alias), alias, this.tenantId);
  }

  /** The tenant's rows matching `options.where`. */
  async find(options: ScopedFindOptions<E> = {}): Promise<E[]> {
    return this.repo.find({ ...options, where: this.scoped(options.where) });
  }

  /** The tenant's rows matching `options.where`, and how many match without take/skip. */
  async findAndCount(options: ScopedFindOptions<E> = {}): Promise<[E[], number]> {
    return this.repo.findAndCount({ ...options, where: this.scoped(options.where) });
  }

  /** The tenant's first row matching `where`, or null (also when it belongs to another tenant). */
  async findOne(where: ScopedWhere<E>): Promise<E | null> {
    return this.repo.findOne({ where: this.scoped(where) });
  }

  async count(where?: ScopedWhere<E>): Promise<number> {
    return this.repo.count({ where: this.scoped(where) });
  }

  async exists(where?: ScopedWhere<E>): Promise<boolean> {
    return this.repo.exists({ where: this.scoped(where) });
  }

  /**
   * Inserts rows of the tenant (the scope sets `tenantId`). With `orIgnore`, a row that hits a
   * unique constraint is skipped (`ON CONFLICT DO NOTHING`). Returns the primary key of each row
   * inserted, in order, skipped rows absent (e.g. `[{ id }]`, or `[]` when the only row was skipped).
   * @throws Error when a value sets `tenantId`
   */
  async insert(values: ScopedValues<E> | ScopedValues<E>[], options: { orIgnore?: boolean } = {}): Promise<Partial<E>[]> {
    const rows = (Array.isArray(values) ? values : [values]).map((v) => {
      assertNoTenant(v, 'insert');
      return { ...v, tenantId: this.tenantId } as QueryDeepPartialEntity<E>;
    });
    const keys = this.repo.metadata.primaryColumns;
    const result = await this.repo
      .createQueryBuilder()
      .insert()
      .values(rows)
      .orIgnore(options.orIgnore ?? false)
      .returning(keys.map((c) => c.databaseName))
      .updateEntity(false)
      .execute();
    return (result.raw as Record<string, unknown>[]).map((raw) => Object.fromEntries(keys.map((c) => [c.propertyName, raw[c.databaseName]])) as Partial<E>);
  }

  /**
   * Inserts one row of the tenant and returns it as stored (defaults and generated columns
   * filled), read back from `INSERT … RETURNING *` in the same round trip. With `orIgnore`, null
   * when a unique constraint made PostgreSQL skip it (`ON CONFLICT DO NOTHING`).
   * @throws Error when `values` sets `tenantId`; the database's error on a constraint violation
   */
  async insertOne(values: ScopedValues<E>): Promise<E>;
  async insertOne(values: ScopedValues<E>, options: { orIgnore: true }): Promise<E | null>;
  async insertOne(values: ScopedValues<E>, options: { orIgnore?: boolean } = {}): Promise<E | null> {
    assertNoTenant(values, 'insert');
    const result = await this.repo
      .createQueryBuilder()
      .insert()
      .values({ ...values, tenantId: this.tenantId } as QueryDeepPartialEntity<E>)
      .orIgnore(options.orIgnore ?? false)
      .returning('*')
      .updateEntity(false)
      .execute();
    const [raw] = result.raw as Record<string, unknown>[];
    if (!raw) {
      if (options.orIgnore) return null;
      throw new Error(`The ${this.repo.metadata.tableName} row was not inserted.`);
    }
    return this.hydrate(raw);
  }

  /**
   * Updates the tenant's row matching `where` (at most one: a primary key) and returns it as
   * stored, from `UPDATE … RETURNING *` (no second read); null when no row of the tenant matched.
   * @throws Error when `patch` sets `tenantId`
   */
  async updateOne(where: ScopedWhere<E>, patch: ScopedValues<E>): Promise<E | null> {
    assertNoTenant(patch, 'update');
    const result = await this.repo
      .createQueryBuilder()
      .update()
      .set(patch as QueryDeepPartialEntity<E>)
      .where(this.scoped(where))
      .returning('*')
      .updateEntity(false)
      .execute();
    const [raw] = result.raw as Record<string, unknown>[];
    return raw ? this.hydrate(raw) : null;
  }

  /** An entity from a `RETURNING *` row, through the driver's conversions and column transformers. */
  private hydrate(raw: Record<string, unknown>): E {
    const driver = this.repo.manager.connection.driver;
    const entity = this.repo.create();
    for (const column of this.repo.metadata.columns) {
      if (column.databaseName in raw) column.setEntityValue(entity, driver.prepareHydratedValue(raw[column.databaseName], column));
    }
    return entity;
  }

  /** Deletes the tenant's rows matching `where`; returns how many were deleted. */
  async delete(where: ScopedWhere<E>): Promise<number> {
    return (await this.repo.delete(this.scoped(where))).affected ?? 0;
  }

  /** Updates the tenant's rows matching `where`; returns how many changed. @throws Error when `patch` sets `tenantId` */
  async update(where: ScopedWhere<E>, patch: ScopedValues<E>): Promise<number> {
    assertNoTenant(patch, 'update');
    return (await this.repo.update(this.scoped(where), patch as QueryDeepPartialEntity<E>)).affected ?? 0;
  }
}
