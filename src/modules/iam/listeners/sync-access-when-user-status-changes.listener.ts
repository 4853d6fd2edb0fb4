import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { TokenRevocations } from '../../../common/auth';
import { DomainEventEnvelope, OnDomainEvent } from '../../../common/events';
import { TenantUser } from '../entities/tenant-user.entity';
import type { TenantUserPayload } from '../events/tenant-user.events';

/**
 * Reacts after commit to user.deactivated and to a role change (user.updated): revokes every
 * access token the user holds at once (Redis, all instances), so neither a deactivated account nor
 * an old role outlives the change by an access TTL. Tokens issued afterwards are unaffected
 * (TokenRevocations revokes up to an instant), so re-activation needs no reaction. Idempotent and
 * safe against late re-delivery: a deactivation is only applied while the user is still inactive.
 */
@Injectable()
export class SyncAccessWhenUserStatusChangesListener {
  constructor(
    private readonly revocations: TokenRevocations,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
  ) {}

  @OnDomainEvent('user.deactivated')
  async onDeactivated(event: DomainEventEnvelope<TenantUserPayload>): Promise<void> {
    if ((await this.isActive(event)) !== false) return;
    await this.revocations.revokeSubject(event.payload.userId);
  }

  @OnDomainEvent('user.updated')
  async onUpdated(event: DomainEventEnvelope<TenantUserPayload & { changed: string[] }>): Promise<void> {
    if (!event.payload.changed.includes('role')) return;
    await this.revocations.revokeSubject(event.payload.userId);
  }

  /** The user's committed active flag, or null when the user no longer exists (tenant purged). */
  private async isActive(event: DomainEventEnvelope<TenantUserPayload>): Promise<boolean | null> {
    const user = await this.txHost.tx.getRepository(TenantUser).findOne({ where: { id: event.payload.userId }, select: { id: true, isActive: true } });
    return user ? user.isActive : null;
  }
}
