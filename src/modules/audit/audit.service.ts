import { Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { CLS_REQ, ClsService } from 'nestjs-cls';
import { DataSource, EntityManager } from 'typeorm';
import { RequestContext, requestIdOf, RouteRef } from '../../common/context';
import { UnitOfWork } from '../../common/events';
import type { JsonObject } from '../../database/json';
import { AUDIT_ACTION, AUDIT_RESOURCE, AuditResourceMeta, MUTATING_METHODS, OPERATION_ID, SKIP_AUDIT, successStatusOf } from '../../common/http';
import { AuditChannel, AuditLog, AuditOutcome } from './entities/audit-log.entity';
import { redactSecrets } from './redact';

/** Outcome of a response status: 401/402/403/429 are access decisions (`denied`). */
export function outcomeOf(status: number): AuditOutcome {
  if (status < 400) return 'success';
  return [401, 402, 403, 429].includes(status) ? 'denied' : 'failure';
}

/**
 * Action of a request that never reached a route: the body could not be parsed (the body parser
 * runs before routing) or no route matched.
 */
function unroutedAction(errorCode: string | null): string {
  return errorCode === 'malformed_json' ? 'request.malformed_json' : 'route.unmatched';
}

/** Columns the chain trigger sets on insert (docs/adr/0029); the application never writes them. */
type AuditChainColumns = 'seq' | 'prevHash' | 'hash' | 'personalDigest' | 'chainVersion' | 'pseudonymisedAt';
/** The values of one audit row as the application writes them. */
type AuditRowValues = Omit<AuditLog, 'createdAt' | 'updatedAt' | AuditChainColumns>;

/** Columns of audit_logs in insert order (snake_case, as the naming strategy maps AuditLog). */
const AUDIT_COLUMNS = [
  ['id', 'id'], ['occurredAt', 'occurred_at'], ['requestId', 'request_id'], ['channel', 'channel'], ['actorType', 'actor_type'], ['actorId', 'actor_id'],
  ['actorEmail', 'actor_email'], ['actorClientId', 'actor_client_id'], ['impersonatorId', 'impersonator_id'], ['tenantId', 'tenant_id'], ['action', 'action'],
  ['module', 'module'], ['resourceType', 'resource_type'], ['resourceId', 'resource_id'], ['method', 'method'], ['path', 'path'],
  ['statusCode', 'status_code'], ['outcome', 'outcome'], ['errorCode', 'error_code'], ['ip', 'ip'], ['userAgent', 'user_agent'],
  ['changes', 'changes'], ['metadata', 'metadata'],
] as const;
const INSERT_AUDIT_SQL = `INSERT INTO audit_logs (${AUDIT_COLUMNS.map(([, c]) => c).join(', ')}) VALUES (${AUDIT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`;

/**
 * Inserts one audit row with a single prepared-shape statement: on the hot path of every
 * mutating request, TypeORM's insert builder cost more than the statement (bench/README.md).
 */
async function insertAuditRow(manager: EntityManager, row: AuditRowValues): Promise<void> {
  const values = AUDIT_COLUMNS.map(([key]) => {
    const value = row[key];
    return (key === 'changes' || key === 'metadata') && value !== null && value !== undefined ? JSON.stringify(value) : (value ?? null);
  });
  await manager.query(INSERT_AUDIT_SQL, values);
}

/**
 * `staff_create` → `staff.create`: the action a route had before it declared one with
 * `@Audited`, and the fallback of a mutating route that still declares none.
 */
export function actionOf(operationId: string): string {
  return operationId.replace(/_/g, '.');
}

/** A row to record besides the request's own (see {@link AuditService.record}). */
export type AuditEntry = Pick<AuditLog, 'action' | 'module' | 'resourceType' | 'resourceId' | 'tenantId'> & {
  /** `http`: written on behalf of the current HTTP request; `job`: by a job or event consumer. */
  channel: AuditChannel;
  changes?: JsonObject;
  metadata?: JsonObject;
};


/**
 * Writes audit rows (docs/adr/0015). A mutating request's own row: its success inside the
 * request's transaction, before commit (no change without its row), its failure after the
 * rollback, outside it. Rows are built from the request context (actor, impersonator, request
 * id), route metadata (`@Audited` action, `@AuditResource`) and notes that services add through
 * {@link RequestContext.noteAudit}. Further rows, of a request or of a job, go through
 * {@link record}.
 */
@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);

  constructor(
    private readonly context: RequestContext,
    private readonly reflector: Reflector,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly dataSource: DataSource,
    private readonly uow: UnitOfWork,
    private readonly cls: ClsService,
  ) {}

  /** Whether the route opted out with `@SkipAudit(reason)`. */
  isSkipped(route: RouteRef | null): boolean {
    return !!route && !!this.reflector.getAllAndOverride<string>(SKIP_AUDIT, [route.handler, route.controller as never]);
  }

  /**
   * Inserts the request's success row inside the current transaction, as one of its last
   * statements (`UnitOfWork.beforeCommit`): the insert locks the head of the row's hash chain
   * until commit (docs/adr/0029), so it comes after the handler's work and holds that lock for
   * the commit's round trip only. The request counts as audited only once that transaction has
   * committed: if the insert or the commit fails, the row is rolled back with the change and the
   * problem filter records the failure instead.
   */
  async recordSuccess(req: Request, route: RouteRef, result: unknown): Promise<void> {
    const row = this.buildRow(req, route, successStatusOf(route.handler, req.method), null, result);
    const tx = this.txHost.tx;
    await this.uow.beforeCommit(() => insertAuditRow(tx, row));
    await this.uow.afterCommit(async () => this.markWritten());
  }

  /** Inserts a failure/denied row outside any transaction (after the rollback). */
  async recordFailure(req: Request, status: number, code: string): Promise<void> {
    const state = this.context.state;
    if (!MUTATING_METHODS.has(req.method) || state?.auditWritten) return;
    const route = this.context.route;
    if (this.isSkipped(route)) return;
    await insertAuditRow(this.dataSource.manager, this.buildRow(req, route, status, code, undefined));
    this.markWritten();
  }

  /**
   * Records one row besides a request's own: call it once per row, e.g. once per tenant a bulk
   * action changed (the request's own row is still written by the interceptor), or from a job.
   * The row goes into `manager` if given, else the current transaction when one runs, so it
   * commits or rolls back with the change it describes; outside a transaction it is written at
   * once. `channel: 'http'` rows carry the request's id, actor, method, path, success status, IP
   * and user agent; `channel: 'job'` rows carry the context's request id and actor (the system
   * actor in a job) with method `JOB`. The outcome is `success`: a failed request rolls its rows
   * back. `changes` and `metadata` are stored as given, so they must hold no secret.
   * @throws Error for `channel: 'http'` outside an HTTP request.
   */
  async record(entry: AuditEntry, manager?: EntityManager): Promise<void> {
    const row = entry.channel === 'http' ? this.requestRow(entry) : this.jobRow(entry);
    await insertAuditRow(manager ?? this.txHost.tx, row);
  }

  /**
   * Pseudonymises one person in the audit rows of `tenantId` (null: the platform's rows), for a
   * GDPR erasure that keeps the trail (Art. 17(3)(b) and (e); pseudonymisation, Art. 4(5)). Rows
   * the person acted in (`actorId`, or `email` compared case-insensitively) get `replacement` as
   * actor email and lose IP and user agent; in every row of the scope, occurrences of `email` and
   * of `names` (3 characters or more, case-insensitive) inside `changes` and `metadata` are
   * replaced by `replacement`. Only these personal columns change (the append-only trigger lets
   * nothing else through), and the hash chain covers them through `personal_digest`, which stays
   * as inserted, so the chain still verifies; the rows are marked `pseudonymised_at`
   * (docs/adr/0029). Joins the current transaction (opens one outside). Idempotent: a second call
   * with the same arguments changes no row. Returns the rows changed.
   */
  async pseudonymiseActor(tenantId: string | null, person: { actorId: string | null; email: string; names?: readonly string[] }, replacement: string): Promise<number> {
    const jsonText = (v: string) => JSON.stringify(v).slice(1, -1);
    const terms = [person.email, ...(person.names ?? [])].filter((term) => term.length >= 3).map((term) => jsonText(term).replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    // No term (an address under 3 characters): nothing to find in payloads; `a^` never matches.
    const pattern = terms.length ? terms.join('|') : 'a^';
    const substitute = jsonText(replacement).replace(/\\/g, '\\\\').replace(/&/g, '\\&');
    return this.uow.run(async () => {
      const tx = this.txHost.tx;
      await tx.query(`SELECT set_config('audit.pseudonymise', 'on', true)`);
      const [, changed]: [unknown, number] = await tx.query(
        `WITH target AS (
           SELECT a.id, (a.actor_id = $2::uuid OR lower(a.actor_email) = lower($3)) AS acts
             FROM audit_logs a
            WHERE (a.tenant_id = $1::uuid OR ($1::uuid IS NULL AND a.tenant_id IS NULL))
              AND ((a.actor_id = $2::uuid OR lower(a.actor_email) = lower($3)) AND (a.actor_email IS DISTINCT FROM $4 OR a.ip IS NOT NULL OR a.user_agent IS NOT NULL)
                   OR a.changes::text ~* $5 OR a.metadata::text ~* $5))
         UPDATE audit_logs a
            SET actor_email = CASE WHEN t.acts THEN $4 ELSE a.actor_email END,
                ip = CASE WHEN t.acts THEN NULL ELSE a.ip END,
                user_agent = CASE WHEN t.acts THEN NULL ELSE a.user_agent END,
                changes = regexp_replace(a.changes::text, $5, $6, 'gi')::jsonb,
                metadata = regexp_replace(a.metadata::text, $5, $6, 'gi')::jsonb,
                pseudonymised_at = coalesce(a.pseudonymised_at, now()),
                updated_at = now()
           FROM target t WHERE a.id = t.id`,
        [tenantId, person.actorId, person.email, replacement, pattern, substitute],
      );
      await tx.query(`SELECT set_config('audit.pseudonymise', 'off', true)`);
      return changed;
    });
  }

  private requestRow(entry: AuditEntry): AuditRowValues {
    const req = this.cls.isActive() ? this.cls.get<Request | undefined>(CLS_REQ) : undefined;
    if (!req || !this.context.state) throw new Error(`audit row '${entry.action}' has channel http but no HTTP request is running; record it with channel job`);
    const route = this.context.route;
    return {
      ...this.requestColumns(req),
      tenantId: entry.tenantId,
      action: entry.action,
      module: entry.module,
      resourceType: entry.resourceType,
      resourceId: entry.resourceId,
      statusCode: route ? successStatusOf(route.handler, req.method) : 200,
      outcome: 'success',
      errorCode: null,
      changes: entry.changes ?? null,
      metadata: entry.metadata ?? null,
    };
  }

  private jobRow(entry: AuditEntry): AuditRowValues {
    const actor = this.context.actor;
    return {
      id: randomUUID(),
      occurredAt: new Date(),
      requestId: this.context.requestId,
      channel: 'job',
      actorType: actor.type,
      actorId: actor.id,
      actorEmail: actor.email,
      actorClientId: actor.clientId ?? null,
      impersonatorId: actor.impersonatorId,
      tenantId: entry.tenantId,
      action: entry.action,
      module: entry.module,
      resourceType: entry.resourceType,
      resourceId: entry.resourceId,
      method: 'JOB',
      path: '',
      statusCode: 200,
      outcome: 'success',
      errorCode: null,
      ip: null,
      userAgent: null,
      changes: entry.changes ?? null,
      metadata: entry.metadata ?? null,
    };
  }

  private markWritten(): void {
    const state = this.context.state;
    if (state) state.auditWritten = true;
  }

  /** The columns every row of an HTTP request shares: id, time, request id, channel, actor, method, path, client. */
  private requestColumns(req: Request): Pick<AuditRowValues, 'id' | 'occurredAt' | 'requestId' | 'channel' | 'actorType' | 'actorId' | 'actorEmail' | 'actorClientId' | 'impersonatorId' | 'method' | 'path' | 'ip' | 'userAgent'> {
    return {
      id: randomUUID(),
      occurredAt: new Date(),
      requestId: this.context.requestId ?? requestIdOf(req),
      channel: 'http',
      ...this.actorColumns(),
      method: req.method,
      path: (req.originalUrl ?? req.url).split('?')[0],
      ip: this.context.ip ?? req.ip ?? null,
      userAgent: this.context.userAgent ?? req.headers['user-agent'] ?? null,
    };
  }

  /** Who acted: the token's principal, else what a service noted (the email of a sign-in attempt). */
  private actorColumns(): Pick<AuditLog, 'actorType' | 'actorId' | 'actorEmail' | 'actorClientId' | 'impersonatorId'> {
    const note = this.context.auditNote;
    const actor = this.context.actor;
    const authenticated = actor.type !== 'system';
    return {
      actorType: authenticated ? actor.type : (note.actor?.type ?? null),
      actorId: authenticated ? actor.id : (note.actor?.id ?? null),
      actorEmail: authenticated ? actor.email : (note.actor?.email ?? null),
      actorClientId: authenticated ? (actor.clientId ?? null) : (note.actor?.clientId ?? null),
      impersonatorId: actor.impersonatorId,
    };
  }

  /**
   * The action a route declared with `@Audited`. A mutating route without it (and without
   * `@SkipAudit`) is still audited, under the action derived from its operationId — so no change
   * goes unrecorded — and every such row is logged as an error: that action is not stable, it
   * changes when the operation is renamed (docs/adr/0015).
   */
  private declaredAction(route: RouteRef, meta: AuditResourceMeta | undefined): string {
    const declared = this.reflector.get<string | undefined>(AUDIT_ACTION, route.handler);
    if (declared) return declared;
    const operationId = Reflect.getMetadata(OPERATION_ID, route.handler) as string | undefined;
    const fallback = operationId ? actionOf(operationId) : `${meta?.resourceType ?? 'route'}.${route.handler.name}`;
    const where = `${(route.controller as { name?: string }).name ?? 'controller'}.${route.handler.name}`;
    this.logger.error(`${where} declares neither @Audited(action) nor @SkipAudit(reason); its audit row was written with the unstable fallback action '${fallback}'`);
    return fallback;
  }

  private buildRow(req: Request, route: RouteRef | null, statusCode: number, errorCode: string | null, result: unknown): AuditRowValues {
    const note = this.context.auditNote;
    const actor = this.context.actor;
    const meta = route ? this.reflector.getAllAndOverride<AuditResourceMeta | undefined>(AUDIT_RESOURCE, [route.handler, route.controller as never]) : undefined;
    const declared = route ? this.declaredAction(route, meta) : undefined;
    const params = (req.params ?? {}) as Record<string, string>;
    const idParam = Object.keys(params).filter((k) => /Id$/.test(k)).pop();
    const resultObj = (result && typeof result === 'object' ? result : {}) as Record<string, unknown>;
    const body = req.body && typeof req.body === 'object' && Object.keys(req.body as object).length ? redactSecrets(req.body) : undefined;
    const changes =
      body !== undefined || note.before !== undefined || note.after !== undefined
        ? (redactSecrets({ request: body, before: note.before, after: note.after }) as Record<string, unknown>)
        : null;
    return {
      ...this.requestColumns(req),
      tenantId: note.tenantId ?? actor.tenantId ?? note.actor?.tenantId ?? params.tenantId ?? (typeof resultObj.tenantId === 'string' ? resultObj.tenantId : null),
      action: note.action ?? declared ?? unroutedAction(errorCode),
      module: meta?.module ?? null,
      resourceType: note.resourceType ?? meta?.resourceType ?? null,
      resourceId: note.resourceId ?? (idParam ? params[idParam] : undefined) ?? (typeof resultObj.id === 'string' ? resultObj.id : null),
      statusCode,
      outcome: outcomeOf(statusCode),
      errorCode,
      changes,
      metadata: note.metadata ?? null,
    };
  }
}
