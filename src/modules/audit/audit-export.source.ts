import { Injectable, OnModuleInit } from '@nestjs/common';
import { ExportSources, exportWhere } from '../../common/exports';
import { PLATFORM_CHAIN_SCOPE } from './chain/audit-chain.canonical';

/** Action of the trailing lines of an audit export: the head of a hash chain at export time, not a stored row. */
export const EXPORT_CHAIN_HEAD_ACTION = 'audit.chain_head';

/**
 * The audit trail as an export source (`audit_logs`): staff export any tenant's; tenant admins
 * their own. Rows ordered by occurredAt, id, each with its place in its hash chain (`seq`,
 * `prevHash`, `hash`: hex SHA-256, docs/adr/0029), then one trailing line per chain the export
 * covers (the tenant's, or every chain when unfiltered) with action `audit.chain_head`, the
 * chain's head at export time in `seq` and `hash`, and the export's instant in `occurredAt`:
 * whoever keeps the file can later prove the trail was not rewritten up to that head.
 */
@Injectable()
export class AuditExportSource implements OnModuleInit {
  constructor(private readonly sources: ExportSources) {}

  onModuleInit(): void {
    this.sources.register({
      type: 'audit_logs',
      filters: ['tenantId', 'from', 'to'],
      tenantExportable: true,
      columns: ['occurredAt', 'tenantId', 'actorType', 'actorId', 'actorEmail', 'impersonatorId', 'action', 'module', 'resourceType', 'resourceId', 'method', 'path', 'statusCode', 'outcome', 'errorCode', 'requestId', 'ip', 'channel', 'seq', 'prevHash', 'hash'],
      query: (f) => {
        const { where, params } = exportWhere(f, { tenant: 'tenant_id', time: 'occurred_at' });
        let heads = '';
        if (f.tenantId) {
          params.push(f.tenantId);
          heads = `WHERE h.scope_key = $${params.length}::uuid`;
        }
        return {
          sql: `SELECT * FROM (
                  SELECT 0 AS part, occurred_at AS "occurredAt", id AS key, tenant_id AS "tenantId", actor_type AS "actorType", actor_id AS "actorId", actor_email AS "actorEmail",
                         impersonator_id AS "impersonatorId", action, module, resource_type AS "resourceType", resource_id AS "resourceId", method, path,
                         status_code AS "statusCode", outcome, error_code AS "errorCode", request_id AS "requestId", ip, channel,
                         seq, encode(prev_hash, 'hex') AS "prevHash", encode(hash, 'hex') AS "hash"
                    FROM audit_logs ${where}
                  UNION ALL
                  SELECT 1, now(), h.scope_key, nullif(h.scope_key, '${PLATFORM_CHAIN_SCOPE}'::uuid), NULL, NULL, NULL, NULL, '${EXPORT_CHAIN_HEAD_ACTION}', 'audit', 'audit_chain', NULL, NULL, NULL,
                         NULL, NULL, NULL, NULL, NULL, NULL, h.seq, NULL, encode(h.hash, 'hex')
                    FROM audit_chain_heads h ${heads}
                ) rows ORDER BY part, "occurredAt", key`,
          params,
        };
      },
    });
  }
}
