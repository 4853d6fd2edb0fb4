import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { TokenRevocations } from '../../../common/auth';
import { DomainEventEnvelope, EnvelopeOf, OnEvent } from '../../../common/events';
import { TenantUser } from '../entities/tenant-user.entity';
import { type TenantUserPayload, UserDeactivatedEvent, UserUpdatedEvent } from '../events';

/**
 * Reacts after commit to user.deactivated and to a role change (user.updated): revokes every
 * access token the user holds at once (Redis, all instances), so neither a deactivated account nor
 * an old role outlives the change by an access TTL. Tokens issued afterwards are unaffected
 * (TokenRevocations revokes up to an instant), so re-activation needs no reaction. Consumer
 * `iam.revoke-user-tokens`; the Redis write is at-least-once, and safe against a late repeat: a
 * deactivation is only applied while the user is still inactive.
 */
@Injectable()
export class SyncAccessWhenUserStatusChangesListener {
  constructor(
    private readonly revocations: TokenRevocations,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
  ) {}

  @OnEvent(UserDeactivatedEvent, 'iam.revoke-user-tokens')
  async onDeactivated(event: EnvelopeOf<typeof UserDeactivatedEvent>): Promise<void> {
    if ((await this.isActive(event)) !== false) return;
    await this.revocations.revokeSubject(event.payload.userId);
  }

  @OnEvent(UserUpdatedEvent, 'iam.revoke-user-tokens', { when: (payload) => payload.changed.includes('role') })
  async onUpdated(event: EnvelopeOf<typeof UserUpdatedEvent>): Promise<void> {
    await this.revocations.revokeSubject(event.payload.userId);
  }

  /** The user's committed active flag, or null when the user no longer exists (tenant purged). */
  private async isActive(event: DomainEventEnvelope<TenantUserPayload>): Promise<boolean | null> {
    const user = await this.txHost.tx.getRepository(TenantUser).findOne({ where: { id: event.payload.userId }, select: { id: true, isActive: true } });
    return user ? user.isActive : null;
  }
}
