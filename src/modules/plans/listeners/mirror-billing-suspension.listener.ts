import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { TokenRevocations } from '../../../common/auth';
import { EnvelopeOf, OnEvent } from '../../../common/events';
import { QuotaUpdatedEvent } from '../events';

/**
 * Mirrors billingStatus = suspended into the Redis suspension flag read on every request
 * (issue 3 §2 suspension policy). It copies the *current* row, not the event, so a late or
 * repeated quota.updated cannot resurrect an old state. At boot the flags are reconciled with
 * PostgreSQL, the source of truth, both ways. Consumer `plans.mirror-billing-suspension`; the
 * Redis write is at-least-once, harmless because it copies the current row.
 */
@Injectable()
export class MirrorBillingSuspensionListener implements OnApplicationBootstrap {
  constructor(
    private readonly revocations: TokenRevocations,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
  ) {}

  @OnEvent(QuotaUpdatedEvent, 'plans.mirror-billing-suspension')
  async onQuotaUpdated(event: EnvelopeOf<typeof QuotaUpdatedEvent>): Promise<void> {
    if (event.tenantId) await this.sync(event.tenantId);
  }

  async onApplicationBootstrap(): Promise<void> {
    const rows: { tenant_id: string }[] = await this.txHost.tx.query(`SELECT tenant_id FROM tenant_quotas WHERE billing_status = 'suspended'`);
    const ids = new Set([...rows.map((r) => r.tenant_id), ...(await this.revocations.suspendedTenantIds('billing'))]);
    for (const id of ids) await this.sync(id);
  }

  /** Sets the flag from the tenant's committed billing status (cleared when the quota is gone). */
  private async sync(tenantId: string): Promise<void> {
    const [row]: { billing_status: string }[] = await this.txHost.tx.query(`SELECT billing_status FROM tenant_quotas WHERE tenant_id = $1`, [tenantId]);
    await this.revocations.setTenantSuspended(tenantId, 'billing', row?.billing_status === 'suspended');
  }
}
