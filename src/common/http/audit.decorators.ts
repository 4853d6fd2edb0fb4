import { SetMetadata } from '@nestjs/common';

export const SKIP_AUDIT = 'audit:skip';
export const AUDIT_RESOURCE = 'audit:resource';

/** Where an audited route's rows are filed: its bounded context and resource type. */
export interface AuditResourceMeta {
  module: string;
  resourceType: string;
}

/**
 * Files a controller's (or handler's) audit rows under a context and resource type, e.g.
 * `@AuditResource('iam', 'staff')`. The action comes from the operationId.
 */
export const AuditResource = (module: string, resourceType: string) =>
  SetMetadata(AUDIT_RESOURCE, { module, resourceType } satisfies AuditResourceMeta);

/**
 * Opts a route out of the audit trail; the reason is required and greppable. No mutating
 * route may use it (a test walks openapi.json to prove every mutating operation is audited).
 */
export const SkipAudit = (reason: string) => SetMetadata(SKIP_AUDIT, reason);
