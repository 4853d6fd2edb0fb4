import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { TokenRevocations } from '../../../common/auth';
import { DomainEventEnvelope, OnDomainEvent } from '../../../common/events';
import { APP_CONFIG, AppConfig } from '../../../config';
import { TenantUser } from '../entities/tenant-user.entity';
import type { TenantUserPayload } from '../events/tenant-user.events';

/**
 * Longest-lived access token a tenant user can hold: impersonation tokens last up to 60 minutes
 * (issue 3 §5), longer than the normal access TTL; the revocation must outlive both.
 */
const LONGEST_TENANT_TOKEN_SECONDS = 60 * 60;

/**
 * Reacts to user.deactivated / user.activated after commit: revokes every access token of the
 * user at once (Redis, all instances) or lifts that revocation. Idempotent and safe against
 * re-delivery out of order: it acts on the user's current state, not on the event alone, so a
 * late re-dispatched user.deactivated cannot lock out a user who was re-activated since.
 */
@Injectable()
export class SyncAccessWhenUserStatusChangesListener {
  constructor(
    private readonly revocations: TokenRevocations,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @OnDomainEvent('user.deactivated')
  async onDeactivated(event: DomainEventEnvelope<TenantUserPayload>): Promise<void> {
    if ((await this.isActive(event)) !== false) return;
    await this.revocations.revokeSubject(event.payload.userId, Math.max(this.config.jwt.accessTtlSeconds, LONGEST_TENANT_TOKEN_SECONDS));
  }

  @OnDomainEvent('user.activated')
  async onActivated(event: DomainEventEnvelope<TenantUserPayload>): Promise<void> {
    if ((await this.isActive(event)) !== true) return;
    await this.revocations.restoreSubject(event.payload.userId);
  }

  /** The user's committed active flag, or null when the user no longer exists (tenant purged). */
  private async isActive(event: DomainEventEnvelope<TenantUserPayload>): Promise<boolean | null> {
    const user = await this.txHost.tx.getRepository(TenantUser).findOne({ where: { id: event.payload.userId }, select: { id: true, isActive: true } });
    return user ? user.isActive : null;
  }
}
