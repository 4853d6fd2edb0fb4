import { Injectable, OnModuleInit } from '@nestjs/common';
import { ExportSources, exportWhere } from '../../common/exports';

/** The audit trail as an export source (`audit_logs`): staff export any tenant's; tenant admins their own. Ordered by occurredAt, id. */
@Injectable()
export class AuditExportSource implements OnModuleInit {
  constructor(private readonly sources: ExportSources) {}

  onModuleInit(): void {
    this.sources.register({
      type: 'audit_logs',
      filters: ['tenantId', 'from', 'to'],
      tenantExportable: true,
      columns: ['occurredAt', 'tenantId', 'actorType', 'actorId', 'actorEmail', 'impersonatorId', 'action', 'module', 'resourceType', 'resourceId', 'method', 'path', 'statusCode', 'outcome', 'errorCode', 'requestId', 'ip', 'channel'],
      query: (f) => {
        const { where, params } = exportWhere(f, { tenant: 'tenant_id', time: 'occurred_at' });
        return {
          sql: `SELECT occurred_at AS "occurredAt", tenant_id AS "tenantId", actor_type AS "actorType", actor_id AS "actorId", actor_email AS "actorEmail",
                       impersonator_id AS "impersonatorId", action, module, resource_type AS "resourceType", resource_id AS "resourceId", method, path,
                       status_code AS "statusCode", outcome, error_code AS "errorCode", request_id AS "requestId", ip, channel
                FROM audit_logs ${where} ORDER BY occurred_at, id`,
          params,
        };
      },
    });
  }
}
