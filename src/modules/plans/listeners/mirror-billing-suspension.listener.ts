import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TokenRevocations } from '../../../common/auth';
import { DomainEventEnvelope, OnDomainEvent } from '../../../common/events';

/**
 * Mirrors billingStatus = suspended into the Redis suspension flag read on every request
 * (issue 3 §2 suspension policy). Setting a flag is idempotent, so re-dispatch is harmless.
 * At boot the flags are rebuilt from PostgreSQL, the source of truth.
 */
@Injectable()
export class MirrorBillingSuspensionListener implements OnApplicationBootstrap {
  constructor(
    private readonly revocations: TokenRevocations,
    private readonly dataSource: DataSource,
  ) {}

  @OnDomainEvent('quota.updated')
  async onQuotaUpdated(event: DomainEventEnvelope<{ billingStatus: string; previousBillingStatus: string }>): Promise<void> {
    if (!event.tenantId) return;
    await this.revocations.setTenantSuspended(event.tenantId, 'billing', event.payload.billingStatus === 'suspended');
  }

  async onApplicationBootstrap(): Promise<void> {
    const rows: { tenant_id: string }[] = await this.dataSource.query(`SELECT tenant_id FROM tenant_quotas WHERE billing_status = 'suspended'`);
    for (const row of rows) await this.revocations.setTenantSuspended(row.tenant_id, 'billing', true);
  }
}
