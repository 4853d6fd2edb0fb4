import { Injectable, OnModuleInit } from '@nestjs/common';
import { ExportSources, exportWhere } from '../../common/exports';
import { TENANT_STATUSES } from './dto/tenant.dto';

/** Tenants as an export source (`tenants`, staff only): profile, plan and billing state. Ordered by createdAt, id. */
@Injectable()
export class TenantsExportSource implements OnModuleInit {
  constructor(private readonly sources: ExportSources) {}

  onModuleInit(): void {
    this.sources.register({
      type: 'tenants',
      filters: ['tenantId', 'from', 'to', 'status'],
      tenantExportable: false,
      statuses: TENANT_STATUSES,
      columns: ['id', 'name', 'slug', 'status', 'planCode', 'billingStatus', 'trialEndsAt', 'contactEmail', 'tags', 'createdAt', 'suspendedAt', 'deletedAt'],
      query: (f) => {
        const { where, params } = exportWhere(f, { tenant: 't.id', time: 't.created_at', status: 't.status' });
        return {
          sql: `SELECT t.id, t.name, t.slug, t.status, p.code AS "planCode", q.billing_status AS "billingStatus", q.trial_ends_at AS "trialEndsAt",
                       t.contact_email AS "contactEmail", array_to_string(t.tags, ' ') AS tags, t.created_at AS "createdAt", t.suspended_at AS "suspendedAt", t.deleted_at AS "deletedAt"
                FROM tenants t LEFT JOIN tenant_quotas q ON q.tenant_id = t.id LEFT JOIN plans p ON p.id = q.plan_id
                ${where} ORDER BY t.created_at, t.id`,
          params,
        };
      },
    });
  }
}
