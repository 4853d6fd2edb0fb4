import { Injectable } from '@nestjs/common';
import type { JsonObject } from '../../database/json';

/** What a section's restore did (or, in a dry run, would do) to one record. */
export type RestoreAction = 'create' | 'update' | 'unchanged' | 'skipped';

/** One record's outcome: its key (the record id), the action, the fields it changes, a note for the admin. */
export interface RestoreOutcome {
  key: string;
  action: RestoreAction;
  /** `{ field: { before, after } }` of an update; the record of a create. */
  changes?: JsonObject;
  note?: string;
  /** Audit resource type of the record (`tenant_user`, `partner`, …). */
  resourceType: string;
}

/** What a section gets when it restores. */
export interface RestoreOptions {
  /** The archive carries credentials (password hashes, key hashes, sealed secrets). */
  includesCredentials: boolean;
}

/**
 * One section of a tenant backup, contributed by the context that owns its rows (users by iam,
 * partners and webhook endpoints by integrations, notification rules by notifications, settings
 * and subscription facts by tenants). The backup job writes `export` rows as `data.<name>`; a
 * restore validates each record against `recordType` (class-validator, the current schema) and
 * calls `restore` inside the restore's one transaction, through the owner's domain services.
 */
export interface BackupSection {
  /** The key under `data`, e.g. `users`. */
  readonly name: string;
  /** Restore order, ascending (users before the notification rules that name them). */
  readonly order: number;
  /** Facts only: written into the archive, never restored (subscriptions). */
  readonly readOnly?: boolean;
  /** The class-validator class of one record of the current schema. */
  readonly recordType: new () => object;
  /**
   * The tenant's records, in a stable order, page by page (a backup of thousands of rows never
   * holds them all at once). Without `includeCredentials` no credential leaves: no password hash,
   * no API key hash, no sealed secret.
   */
  export(tenantId: string, opts: { includeCredentials: boolean }): AsyncIterable<JsonObject>;
  /**
   * Brings the tenant's rows to the records (validated instances of `recordType`): creates what is
   * missing (same id), updates what differs, leaves the rest; never deletes a row the archive does
   * not hold. Runs in the caller's transaction; a domain error rolls the whole restore back.
   */
  restore(tenantId: string, records: object[], opts: RestoreOptions): Promise<RestoreOutcome[]>;
}

/** Registry of the backup sections; contexts register theirs at boot (one per name). */
@Injectable()
export class BackupSections {
  private readonly sections = new Map<string, BackupSection>();

  /** @throws Error on a second section of one name. */
  register(section: BackupSection): void {
    if (this.sections.has(section.name)) throw new Error(`backup section ${section.name} is registered twice`);
    this.sections.set(section.name, section);
  }

  /** Every section, in restore order. */
  all(): BackupSection[] {
    return [...this.sections.values()].sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
  }

  get(name: string): BackupSection | undefined {
    return this.sections.get(name);
  }
}

/** `{ field: { before, after } }` for the fields of `after` whose value differs from `before` (JSON comparison). */
export function fieldChanges(before: Record<string, unknown>, after: Record<string, unknown>, fields: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const f of fields) {
    if (after[f] === undefined) continue;
    if (JSON.stringify(before[f] ?? null) !== JSON.stringify(after[f] ?? null)) out[f] = { before: before[f] ?? null, after: after[f] ?? null };
  }
  return out;
}

/** Pages of `pageSize` rows by keyset on id, until a page comes back short. */
export async function* pagesById<R extends { id: string }>(load: (afterId: string | null, limit: number) => Promise<R[]>, pageSize = 500): AsyncIterable<R> {
  let after: string | null = null;
  for (;;) {
    const rows = await load(after, pageSize);
    for (const r of rows) yield r;
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1]!.id;
  }
}
