import { SetMetadata } from '@nestjs/common';

export const SKIP_AUDIT = 'audit:skip';
export const AUDIT_RESOURCE = 'audit:resource';
/** Metadata key holding a handler's stable audit action (set by {@link Audited}). */
export const AUDIT_ACTION = 'audit:action';

/** Where an audited route's rows are filed: its bounded context and resource type. */
export interface AuditResourceMeta {
  module: string;
  resourceType: string;
}

/**
 * Files a controller's (or handler's) audit rows under a context and resource type, e.g.
 * `@AuditResource('iam', 'staff')`. The action is the route's own, see {@link Audited}.
 */
export const AuditResource = (module: string, resourceType: string) =>
  SetMetadata(AUDIT_RESOURCE, { module, resourceType } satisfies AuditResourceMeta);

/** Shape of an audit action: dotted lowercase-led segments, `<area>.<verb>` at least (`staff.create`). */
const AUDIT_ACTION_PATTERN = /^[a-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9_]*)+$/;

/**
 * The stable audit action of a mutating route, e.g. `@Audited('staff.create')`: the `action` of
 * every row the route writes (success and failure), unless a service refines it for one request
 * with `RequestContext.noteAudit({ action })` (a sign-in notes `auth.login.platform`). It is
 * declared apart from the operationId so that renaming an operation never renames stored
 * history; change it only together with a migration of the rows that carry it.
 * Every POST/PUT/PATCH/DELETE handler carries either this or {@link SkipAudit}
 * (test/e2e/audit/mutating-coverage.e2e-spec.ts); one with neither is still audited, under the
 * action derived from its operationId, and logged as an error (docs/adr/0015).
 * @throws Error when the class loads, if `action` is not dotted (`<area>.<verb>`).
 */
export const Audited = (action: string): MethodDecorator => {
  if (!AUDIT_ACTION_PATTERN.test(action)) throw new Error(`@Audited('${action}'): an audit action is dotted, '<area>.<verb>' (e.g. 'staff.create')`);
  return SetMetadata(AUDIT_ACTION, action);
};

/**
 * Opts a route out of the audit trail; the reason is required and greppable. No mutating route
 * uses it today: the coverage test lists every mutating route that does, with its reason, and
 * fails until the list is reviewed.
 */
export const SkipAudit = (reason: string) => SetMetadata(SKIP_AUDIT, reason);
