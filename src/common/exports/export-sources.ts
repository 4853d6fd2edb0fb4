import { Injectable } from '@nestjs/common';

/** What can be exported (CSV): one source per type, contributed by the context that owns the rows. */
export const EXPORT_TYPES = ['tenants', 'subscriptions', 'invoices', 'payments', 'usage', 'audit_logs'] as const;
export type ExportType = (typeof EXPORT_TYPES)[number];

/**
 * Every status an export's `status` filter may name, over all types (tenants, subscriptions,
 * invoices, payments); each source accepts its own subset (ExportSource.statuses).
 */
export const EXPORT_STATUS_VALUES = [
  'active', 'suspended', 'deleted',
  'trial', 'past_due', 'cancelled',
  'draft', 'open', 'paid', 'void', 'uncollectible',
  'pending', 'succeeded', 'failed', 'refunded', 'partially_refunded',
] as const;

/** Filters an export may take; a source declares which it accepts. */
export interface ExportFilters {
  /** Rows of this tenant only (forced to the caller's tenant on tenant routes). */
  tenantId?: string;
  /** Rows at or after this instant (the source's time column), ISO 8601 UTC. */
  from?: string;
  /** Rows before this instant (exclusive). */
  to?: string;
  /** The source's status column equals this. */
  status?: string;
}
export type ExportFilterName = keyof ExportFilters;

/**
 * One exportable row set. `query` returns a SELECT whose column aliases are `columns` (the CSV
 * header, in order), ordered by a stable key so the file is reproducible, reading only rows that
 * match the filters given (`tenantId` is always honoured when present). Time columns are UTC.
 */
export interface ExportSource {
  type: ExportType;
  /** Filters it accepts; another filter is a 400 naming it. */
  filters: readonly ExportFilterName[];
  /** Tenant admins may export their own rows of it. */
  tenantExportable: boolean;
  columns: readonly string[];
  /** The values its `status` filter takes (when it takes one). */
  statuses?: readonly string[];
  query(filters: ExportFilters): { sql: string; params: unknown[] };
}

/** Registry of the export sources; contexts register theirs at boot (one per type). */
@Injectable()
export class ExportSources {
  private readonly sources = new Map<ExportType, ExportSource>();

  /** @throws Error on a second source of one type. */
  register(source: ExportSource): void {
    if (this.sources.has(source.type)) throw new Error(`export type ${source.type} has two sources`);
    this.sources.set(source.type, source);
  }

  get(type: ExportType): ExportSource | undefined {
    return this.sources.get(type);
  }
}

/**
 * Builds `WHERE` conditions for the common filters: `tenant_id = $n`, `<timeColumn> >= $n`,
 * `< $n`, `<statusColumn> = $n`. Columns are the caller's SQL (never user input).
 */
export function exportWhere(filters: ExportFilters, columns: { tenant?: string; time?: string; status?: string }): { where: string; params: unknown[] } {
  const params: unknown[] = [];
  const parts: string[] = [];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    parts.push(sql(`$${params.length}`));
  };
  if (filters.tenantId && columns.tenant) add((p) => `${columns.tenant} = ${p}::uuid`, filters.tenantId);
  if (filters.from && columns.time) add((p) => `${columns.time} >= ${p}::timestamptz`, filters.from);
  if (filters.to && columns.time) add((p) => `${columns.time} < ${p}::timestamptz`, filters.to);
  if (filters.status && columns.status) add((p) => `${columns.status} = ${p}`, filters.status);
  return { where: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}
