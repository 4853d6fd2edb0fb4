import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ErasedRows, TenantDataEraser, tenantDataEraserMarker } from './tenant-data-eraser';

interface Registered {
  context: string;
  name: string;
  eraser: TenantDataEraser;
}

/**
 * Registry of every provider marked `@ErasesTenantData(context)`, found at module init with Nest's
 * `DiscoveryService`, so the purge erases every context's tenant data without naming any of them
 * (docs/adr/0008). Erasers run one after the other in a stable order (context, then class name);
 * order carries no meaning, since tenant-owned tables have no foreign keys (docs/adr/0004).
 */
@Injectable()
export class TenantDataErasers implements OnModuleInit {
  private readonly logger = new Logger(TenantDataErasers.name);
  private erasers: Registered[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
  ) {}

  /**
   * Collects the marked providers. @throws Error when one is request-scoped or lacks `erase`:
   * a purge must never run with an eraser silently missing, so the app refuses to boot.
   */
  onModuleInit(): void {
    const seen = new Set<unknown>();
    const found: Registered[] = [];
    for (const wrapper of this.discovery.getProviders({ metadataKey: tenantDataEraserMarker.KEY })) {
      const meta = this.discovery.getMetadataByDecorator(tenantDataEraserMarker, wrapper);
      const instance = wrapper.instance as Partial<TenantDataEraser> | undefined;
      if (!meta) continue;
      if (!wrapper.isDependencyTreeStatic() || typeof instance?.erase !== 'function') {
        throw new Error(`Tenant data eraser ${wrapper.name} (${meta.context}) must be a singleton provider with an erase(tenantId) method.`);
      }
      if (seen.has(instance)) continue;
      seen.add(instance);
      found.push({ context: meta.context, name: String(wrapper.name), eraser: instance as TenantDataEraser });
    }
    this.erasers = found.sort((a, b) => a.context.localeCompare(b.context) || a.name.localeCompare(b.name));
    this.logger.log(`tenant data erasers: ${this.erasers.map((e) => `${e.context}/${e.name}`).join(', ') || 'none'}`);
  }

  /** The contexts that contributed an eraser, in the order they run. */
  contexts(): string[] {
    return this.erasers.map((e) => e.context);
  }

  /**
   * Runs every eraser for `tenantId` in the current transaction and returns the rows deleted per
   * table (all erasers' results merged). A failing eraser fails the whole erasure, so the caller's
   * transaction rolls back and no tenant is left half-erased.
   * @throws Error outside a transaction, or when two erasers report the same table (two contexts
   *   claiming one table is a defect: each table has one owner).
   */
  async eraseAll(tenantId: string): Promise<ErasedRows> {
    if (!this.txHost.isTransactionActive()) throw new Error('TenantDataErasers.eraseAll must run inside a transaction (UnitOfWork.run).');
    const deleted: ErasedRows = {};
    const owner: Record<string, string> = {};
    for (const { context, eraser } of this.erasers) {
      for (const [table, count] of Object.entries(await eraser.erase(tenantId))) {
        if (table in owner) throw new Error(`Table ${table} is erased by both ${owner[table]} and ${context}.`);
        owner[table] = context;
        deleted[table] = count;
      }
    }
    return deleted;
  }
}
