import { Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { EntityManager, EntityTarget, FindOptionsWhere } from 'typeorm';

/** Rows deleted per table by one erasure, keyed by table name (`{ tenant_users: 3 }`). */
export type ErasedRows = Record<string, number>;

/**
 * Port through which a context erases ITS OWN tenant-owned rows when a deleted tenant is purged
 * (docs/adr/0008). `erase` runs in the caller's transaction — implementations reach PostgreSQL
 * through `TransactionHost.tx`, never a `DataSource` (docs/adr/0007) — and returns the rows it
 * deleted per table, zero counts included, so the purge's audit row names every table. It must be
 * safe to call for a tenant that has no rows left (a purge retried after a crash). It must not
 * touch another context's tables, nor the `tenants` row, which the tenants context deletes last.
 */
export interface TenantDataEraser {
  erase(tenantId: string): Promise<ErasedRows>;
}

/** What `@ErasesTenantData` records on a class: the bounded context that owns the erased tables. */
export interface TenantDataEraserMeta {
  context: string;
}

/** Discoverable marker (Nest `DiscoveryService`), read by {@link TenantDataErasers}. */
export const tenantDataEraserMarker = DiscoveryService.createDecorator<TenantDataEraserMeta>();

/**
 * Declares a class as the tenant data eraser of `context` (e.g. `@ErasesTenantData('iam')`): makes
 * it injectable and discoverable, so the purge calls it without naming it. The class must
 * implement {@link TenantDataEraser} (checked by the compiler) and be listed in its context
 * module's providers (a decorated class that is not a provider is never found — the purge e2e
 * test then fails on the rows it left behind).
 */
export function ErasesTenantData(context: string) {
  return <T extends abstract new (...args: never[]) => TenantDataEraser>(target: T): void => {
    Injectable()(target);
    tenantDataEraserMarker({ context })(target);
  };
}

/** An entity whose table has a `tenant_id` column (property `tenantId`). */
export interface TenantOwnedRow {
  tenantId: string | null;
}

/**
 * Deletes the rows of `tenantId` from each entity's table through `manager` (the caller's
 * transaction) and returns the count per table name, zeros included. The common case of a
 * {@link TenantDataEraser}: one `DELETE … WHERE tenant_id = $1` per table, in the order given.
 */
export async function deleteTenantRows(
  manager: EntityManager,
  tenantId: string,
  entities: ReadonlyArray<EntityTarget<TenantOwnedRow>>,
): Promise<ErasedRows> {
  const erased: ErasedRows = {};
  for (const entity of entities) {
    const repo = manager.getRepository<TenantOwnedRow>(entity);
    const result = await repo.delete({ tenantId } as FindOptionsWhere<TenantOwnedRow>);
    erased[repo.metadata.tableName] = result.affected ?? 0;
  }
  return erased;
}
