import { EntityManager, EntityTarget, FindManyOptions, FindOptionsWhere, ObjectLiteral, Repository, SelectQueryBuilder } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

/** Entities owned by a tenant (CONVENTIONS §4: every tenant-owned table has tenant_id). */
export interface TenantOwned extends ObjectLiteral {
  tenantId: string;
}

/** A where clause without the tenant: the scope adds it, so no caller can forget or override it. */
export type ScopedWhere<E extends TenantOwned> = Omit<FindOptionsWhere<E>, 'tenantId'>;

/**
 * Repository of one tenant's rows (CONVENTIONS §4). Every read and write it offers carries
 * `tenant_id = <tenant>`; a row of another tenant is simply not found (a 404 for the caller,
 * never a 403). Built per request from the transaction's EntityManager and the actor's tenant.
 */
export class TenantScopedRepository<E extends TenantOwned> {
  private readonly repo: Repository<E>;

  constructor(
    manager: EntityManager,
    entity: EntityTarget<E>,
    readonly tenantId: string,
  ) {
    this.repo = manager.getRepository(entity);
  }

  private scoped(where: ScopedWhere<E> = {} as ScopedWhere<E>): FindOptionsWhere<E> {
    return { ...where, tenantId: this.tenantId } as FindOptionsWhere<E>;
  }

  /** A query builder already restricted to the tenant; add conditions with `andWhere`. */
  queryBuilder(alias: string): SelectQueryBuilder<E> {
    return this.repo.createQueryBuilder(alias).where(`${alias}.tenant_id = :scopeTenantId`, { scopeTenantId: this.tenantId });
  }

  findAndCount(options: Omit<FindManyOptions<E>, 'where'> & { where?: ScopedWhere<E> } = {}): Promise<[E[], number]> {
    return this.repo.findAndCount({ ...options, where: this.scoped(options.where) });
  }

  findOne(where: ScopedWhere<E>): Promise<E | null> {
    return this.repo.findOne({ where: this.scoped(where) });
  }

  count(where?: ScopedWhere<E>): Promise<number> {
    return this.repo.count({ where: this.scoped(where) });
  }

  /** Deletes the tenant's rows matching `where`; returns how many were deleted. */
  async delete(where: ScopedWhere<E>): Promise<number> {
    return (await this.repo.delete(this.scoped(where))).affected ?? 0;
  }

  /** Updates the tenant's rows matching `where`; returns how many changed. */
  async update(where: ScopedWhere<E>, patch: QueryDeepPartialEntity<E>): Promise<number> {
    return (await this.repo.update(this.scoped(where), patch)).affected ?? 0;
  }
}
