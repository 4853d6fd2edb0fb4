import { Injectable, OnModuleInit } from '@nestjs/common';
import { ExportSources, exportWhere } from '../../common/exports';

/** Usage counters as an export source (`usage`, staff only): one row per tenant, metric and period. */
@Injectable()
export class UsageExportSource implements OnModuleInit {
  constructor(private readonly sources: ExportSources) {}

  onModuleInit(): void {
    this.sources.register({
      type: 'usage',
      filters: ['tenantId'],
      tenantExportable: false,
      columns: ['tenantId', 'metric', 'periodStart', 'value', 'updatedAt'],
      query: (f) => {
        const { where, params } = exportWhere(f, { tenant: 'tenant_id' });
        return { sql: `SELECT tenant_id AS "tenantId", metric, to_char(period_start, 'YYYY-MM-DD') AS "periodStart", value, updated_at AS "updatedAt" FROM usage_counters ${where} ORDER BY tenant_id, metric, period_start`, params };
      },
    });
  }
}
